"""Answers about procedure."""
HANDLERS: dict = {}

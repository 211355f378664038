"""Answers about contact."""
HANDLERS: dict = {}

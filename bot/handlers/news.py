"""Answers about news."""
HANDLERS: dict = {}

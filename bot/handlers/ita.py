"""Answers about ita."""
HANDLERS: dict = {}

"""Whether a platform event or a chat message can be stored at all, checked before anything is claimed.

JSON lets a signed body carry what no database column takes: a lone surrogate ("\\ud800", not encodable as
UTF-8 for SQLite, PostgreSQL or an outbox row), a NUL (PostgreSQL refuses it in text) and ids longer
than the id columns (128 characters). Such an event is skipped whole, before its id is claimed, so nothing
of it is half-saved; a real platform never sends one.
"""
from __future__ import annotations

ID_MAX = 128  # the id columns: conversation state, follower, seen event


def text_problem(value: object) -> str | None:
    """Why this string cannot be stored, or None when it can."""
    if not isinstance(value, str):
        return "not text"
    if "\x00" in value:
        return "NUL"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "lone surrogate"
    return None


def id_problem(value: object) -> str | None:
    """An id's problem: text (or a whole number, as Messenger's may be) of at most ID_MAX characters."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    problem = text_problem(value)
    if problem is None and len(value) > ID_MAX:
        return f"id longer than {ID_MAX}"
    return problem


def event_problem(event: dict, ids: tuple[tuple[str, ...], ...]) -> str | None:
    """Why this event cannot be handled: a string anywhere in it (key or value) that cannot be stored, or
    an id at one of the `ids` paths (where present) that is not a storable id. None when it is usable."""
    stack: list = [event]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if (problem := text_problem(key)) is not None:
                    return problem
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and (problem := text_problem(item)) is not None:
            return problem
    for path in ids:
        value = event
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None and (problem := id_problem(value)) is not None:
            return f"{'.'.join(path)}: {problem}"
    return None

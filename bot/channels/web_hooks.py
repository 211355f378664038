"""What features add to the web chat, registered at the top (`bot.services.wire_web_chat`) so that the
channel imports none of them (channels sit below the features): which files it takes — the complaint's
evidence rules, the same as on LINE — and what the page shows while a person holds the conversation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable


@dataclass(frozen=True)
class Accepts:
    """The files the web chat takes: at most `max_bytes`; `type_of(data, declared)` is the file's type when
    it is one of those taken, else None; the two texts (Thai) tell the visitor why a file was refused."""

    max_bytes: int
    type_of: Callable[[bytes, str], str | None]
    too_big: str
    bad_type: str
    types: tuple[str, ...] = ()  # the MIME types taken: the page's file picker offers these


def picker_types(services) -> str:
    """The `accept` of the page's file picker: the types the web chat takes (photos and PDF if unsaid)."""
    taken = accepts(services)
    return ",".join(taken.types) if taken and taken.types else "image/*,application/pdf"


_accepts: list[Callable[[Any], Accepts]] = []
_live: list[Callable[[Any, str, datetime], dict | None]] = []


def accepts_from(policy: Callable[[Any], Accepts]) -> None:
    _accepts[:] = [policy]


def live_status_from(status: Callable[[Any, str, datetime], dict | None]) -> None:
    _live[:] = [status]


def accepts(services) -> Accepts | None:
    """None when no feature takes files: the upload is then refused."""
    return _accepts[0](services) if _accepts else None


def live_status(services, user_id: str, now: datetime) -> dict | None:
    """The visitor's live chat as the page shows it (its header and end button), None without one."""
    return _live[0](services, user_id, now) if _live else None

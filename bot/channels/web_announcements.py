"""Announcements for web-chat visitors: the chat has no followers to push to, so a visitor gets the
announcements sent in the last `RECENT` days in their chat when they come back (the inbox poll the page
makes on load), each once per conversation: what was shown is in the session's history (web_history)."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.storage import utcnow

from .web_models import WebChatEntry

RECENT = timedelta(days=7)
MOST = 3  # the newest few, not a week of news in one go
CACHE_SECONDS = 60.0  # every poll of every visitor asks; the list changes a few times a week

_cache: dict[tuple, tuple[float, list]] = {}
_lock = threading.Lock()


def recent(services, now: datetime) -> list:
    """Announcements sent within RECENT, newest first (bot.broadcasts.service.published_announcements)."""
    from bot.broadcasts.service import published_announcements

    key = (id(services), services.settings.database_url)
    with _lock:
        hit = _cache.get(key)
        if hit is None or time.monotonic() - hit[0] > CACHE_SECONDS:
            hit = (time.monotonic(), published_announcements(services, limit=MOST))
            _cache[key] = hit
    since = (now - RECENT).date()
    return [n for n in hit[1] if n.date >= since]


def forget_cache() -> None:
    with _lock:
        _cache.clear()


def as_message(services, item) -> dict:
    from bot.broadcasts.render import sender_of

    lines = [f"{sender_of(services.content).label}: {item.title}".strip(), item.body]
    if item.url:
        lines.append(item.url)
    return {"type": "text", "text": "\n".join(line for line in lines if line), "quick_replies": [],
            "announcement": item.id}


def unseen(services, user_id: str, now: datetime | None = None) -> list[dict]:
    """The recent announcements this visitor's conversation has not shown yet, oldest first."""
    items = recent(services, now or utcnow())
    if not items:
        return []
    with services.db.session() as s:
        shown = {p.get("announcement") for p in s.scalars(
            select(WebChatEntry.payload).where(WebChatEntry.user_id == user_id, WebChatEntry.role == "bot"))}
    return [as_message(services, n) for n in reversed(items) if n.id not in shown]

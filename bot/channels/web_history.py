"""The visible history of a web-chat session, kept on the server so that reloading /chat shows the
conversation again instead of a fresh welcome while a complaint draft is still open.

Entries live only as long as the conversation does: once the session has been idle for the state TTL
(`STATE_TTL_MINUTES`), its history is deleted on the next read or write and by `python -m bot db purge`.
At most `CAP` entries are kept per visitor.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import delete, func, select

from bot.storage import utcnow

from .web_models import WebChatEntry

CAP = 60


def ttl(services) -> timedelta:
    return timedelta(minutes=services.settings.state_ttl_minutes)


def _forget_if_idle(s, user_id: str, cutoff: datetime) -> None:
    latest = s.scalar(select(func.max(WebChatEntry.created_at)).where(WebChatEntry.user_id == user_id))
    if latest is not None and latest < cutoff:
        s.execute(delete(WebChatEntry).where(WebChatEntry.user_id == user_id))


def record(services, user_id: str, user_text: str | None, replies: Iterable[dict],
           now: datetime | None = None) -> None:
    """Add what the visitor said (if anything) and the replies they were shown, then keep the last CAP."""
    now = now or utcnow()
    with services.db.session() as s:
        _forget_if_idle(s, user_id, now - ttl(services))
        if user_text is not None:
            s.add(WebChatEntry(user_id=user_id, role="user", payload={"text": user_text}, created_at=now))
        for reply in replies:
            s.add(WebChatEntry(user_id=user_id, role="bot", payload=dict(reply), created_at=now))
        s.flush()
        keep = select(WebChatEntry.id).where(WebChatEntry.user_id == user_id) \
            .order_by(WebChatEntry.id.desc()).limit(CAP).subquery()
        s.execute(delete(WebChatEntry).where(WebChatEntry.user_id == user_id,
                                             WebChatEntry.id.not_in(select(keep.c.id))))


def entries(services, user_id: str, now: datetime | None = None) -> list[dict]:
    """The session's history, oldest first, as the page renders it (`role: "user"` for the visitor)."""
    now = now or utcnow()
    with services.db.session() as s:
        _forget_if_idle(s, user_id, now - ttl(services))
        rows = s.scalars(select(WebChatEntry).where(WebChatEntry.user_id == user_id)
                         .order_by(WebChatEntry.id)).all()
        return [({"role": "user", "text": r.payload.get("text", "")} if r.role == "user"
                 else {**r.payload, "role": "bot"}) for r in rows]


def purge_idle(s, cutoff: datetime) -> int:
    """Delete the history of every session idle since before `cutoff` (for the housekeeping purge)."""
    idle = select(WebChatEntry.user_id).group_by(WebChatEntry.user_id) \
        .having(func.max(WebChatEntry.created_at) < cutoff)
    return s.execute(delete(WebChatEntry).where(WebChatEntry.user_id.in_(idle))).rowcount

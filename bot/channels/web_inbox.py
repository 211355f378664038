"""Messages for web-chat users that arrive outside a request (e.g. a complaint's status change), and the
recent announcements their conversation has not shown (web_announcements.py); the chat page picks them
up when it polls `GET /api/chat/inbox`."""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import select

from bot.core.messages import Reply, reply_to_dict
from bot.storage import utcnow

from . import web_announcements
from .web_models import WebInboxMessage


def deliver(services, user_id: str, replies: Sequence[Reply]) -> None:
    with services.db.session() as s:
        for reply in replies:
            s.add(WebInboxMessage(user_id=user_id, payload=reply_to_dict(reply), created_at=utcnow()))


def collect(services, user_id: str, limit: int = 50) -> list[dict]:
    """The user's undelivered messages, oldest first, deleted as they are handed over: a delivered notice
    (with its time and the visitor's id) is not kept to link the visitor to a report.

    Rows are locked while read (PostgreSQL; SQLite serialises writers), so two polls never both get one.
    """
    with services.db.session() as s:
        rows = s.scalars(select(WebInboxMessage)
                         .where(WebInboxMessage.user_id == user_id, WebInboxMessage.delivered_at.is_(None))
                         .order_by(WebInboxMessage.created_at, WebInboxMessage.id)
                         .limit(limit).with_for_update(skip_locked=True)).all()
        payloads = [dict(row.payload) for row in rows]
        for row in rows:
            s.delete(row)
    return payloads + web_announcements.unseen(services, user_id)

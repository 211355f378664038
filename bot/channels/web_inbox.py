"""Messages for web-chat users that arrive outside a request (e.g. a complaint's status change); the
chat page picks them up when it polls."""
from __future__ import annotations

from typing import Sequence

from bot.core.messages import Reply, reply_to_dict
from bot.storage import utcnow

from .web_models import WebInboxMessage


def deliver(services, user_id: str, replies: Sequence[Reply]) -> None:
    with services.db.session() as s:
        for reply in replies:
            s.add(WebInboxMessage(user_id=user_id, payload=reply_to_dict(reply), created_at=utcnow()))

"""Conversations nobody has written in for `idle_close_hours` (content/livechat.yaml) are closed by a job
of the clock, and the person is told the conversation went back to the bot: a chat left waiting overnight
would otherwise keep the bot silent for them until they wrote again."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.storage import utcnow

from . import service
from .models import HELD, WAITING, LiveChat

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
JOB = "livechat-idle-close"
EVERY_MINUTES = 15


def close_idle(services: Services, now: datetime | None = None) -> int:
    """Close every open chat idle longer than the limit and tell its person; how many were closed."""
    from bot.channels import outbound
    from bot.channels.platforms import DeliveryError
    from bot.core.messages import Text

    now = now or utcnow()
    cutoff = now - timedelta(hours=service.content(services).idle_close_hours)
    with services.db.session() as s:
        idle = [(c.id, c.channel, c.user_id) for c in s.scalars(
            select(LiveChat).where(LiveChat.status.in_((WAITING, HELD)), LiveChat.last_activity_at < cutoff))]
    text = service.say(services, "idle_closed", hours=service.content(services).idle_close_hours)
    for chat_id, channel, user_id in idle:
        service.close(services, chat_id, now)
        try:
            outbound.push(services, channel, user_id, [Text(text)])
        except (DeliveryError, ValueError) as exc:  # closed all the same: the bot answers them again
            log.info("live chat %s closed when idle; the person was not told (%s)", chat_id, type(exc).__name__)
    if idle:
        log.info("live chat: %s conversation(s) idle over %s h closed", len(idle),
                 service.content(services).idle_close_hours)
    return len(idle)


def add_idle_job(scheduler, services: Services) -> None:
    scheduler.add_job(close_idle, "interval", minutes=EVERY_MINUTES, args=[services], id=JOB, jobstore="memory",
                      misfire_grace_time=None, coalesce=True, replace_existing=True)

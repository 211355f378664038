"""Each platform event is handled once: redelivered webhooks (timeouts, retries) find their id here."""
from __future__ import annotations

import logging

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.storage.models import ProcessedEvent

log = logging.getLogger(__name__)


def claim(services, channel: str, event_id: str) -> bool:
    """True the first time `event_id` is seen on `channel`; False for a redelivery (already claimed).

    The primary key makes this safe across workers: two concurrent deliveries race on one insert.
    """
    if not event_id:
        return True  # nothing to deduplicate on
    try:
        with services.db.session() as s:
            s.add(ProcessedEvent(channel=channel, event_id=event_id[:128]))
    except IntegrityError:
        log.info("%s event %s already handled; skipped", channel, event_id)
        return False
    return True


def release(services, channel: str, event_id: str) -> None:
    """Forget a claim whose handling failed, so the platform's redelivery is answered."""
    if not event_id:
        return
    with services.db.session() as s:
        s.execute(delete(ProcessedEvent).where(ProcessedEvent.channel == channel,
                                               ProcessedEvent.event_id == event_id[:128]))

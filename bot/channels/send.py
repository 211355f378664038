"""Delivering a webhook event's stored answer on its channel, whichever the channel: what the platform
did not take is left to the outbox, which pushes it later with the same retry key."""
from __future__ import annotations

from .answers import Owed
from .base import Channel
from .platforms import DeliveryError


def deliver_owed(channel: Channel, owed: Owed, reply_token: str | None = None) -> None:
    if not owed.rendered:
        return
    try:
        channel.send_rendered(owed.to, owed.rendered, owed.retry_key, reply_token=reply_token)
    except DeliveryError as exc:
        owed.leave_to_outbox(owed.rendered if exc.unsent is None else exc.unsent, exc)
        return
    owed.delivered()

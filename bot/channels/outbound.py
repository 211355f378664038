"""Sending replies to a user outside a webhook reply (status notifications, staff alerts, pushes).

One function for every channel, so features (complaints, broadcasts) never touch a platform directly.
"""
from __future__ import annotations

from typing import Sequence

from bot.core.messages import Reply
from bot.outbox.rows import unpack

from . import registry


def push(services, channel: str, to: str, replies: Sequence[Reply], retry_key: str | None = None,
         tag: str = "ACCOUNT_UPDATE") -> None:
    """Deliver `replies` to user or group `to` on `channel`; raises DeliveryError on failure.

    `retry_key` (a UUID) makes a LINE push idempotent when it is retried after a timeout. `tag` is the
    Messenger message tag (HUMAN_AGENT for a staff answer in the live chat).
    """
    registry.get(services, channel).send(to, replies, retry_key, tag=tag)


def push_rendered(services, channel: str, to: str, rendered: list, retry_key: str | None = None) -> None:
    """Deliver an answer kept as its platform rendered it (LINE message batches, Send API bodies)."""
    registry.get(services, channel).send_rendered(to, rendered, retry_key)


def send_row(services, row) -> None:
    """An outbox row for a chat platform: an answer as its platform rendered it, or replies packed by
    `rows.pack`, pushed with the row's retry key."""
    if "rendered" in row.payload:
        push_rendered(services, row.channel, row.target, row.payload["rendered"], retry_key=row.retry_key)
    else:
        push(services, row.channel, row.target, unpack(row.payload), retry_key=row.retry_key)

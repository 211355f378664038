"""Sending replies to a user outside a webhook reply (status notifications, staff alerts, pushes).

One function for every channel, so features (complaints, broadcasts) never touch a platform directly.
"""
from __future__ import annotations

from typing import Sequence

from bot.core.messages import Reply
from bot.outbox.rows import unpack
from bot.storage import utcnow

from .answers import REPLY_TOKEN_TRUSTED

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
    `rows.pack`, pushed with the row's retry key. An answer whose process died while it held the row still
    carries its event's reply token: tried again while fresh, the token either delivers it (the process
    died before sending) or is spent (LINE has it already), so the answer is not given twice."""
    if "rendered" in row.payload:
        token = row.payload.get("reply_token")
        fresh = bool(token) and utcnow() - row.created_at < REPLY_TOKEN_TRUSTED
        registry.get(services, row.channel).send_rendered(
            row.target, row.payload["rendered"], row.retry_key, reply_token=token if fresh else None,
            spent_token_was_ours=fresh)
    else:
        push(services, row.channel, row.target, unpack(row.payload), retry_key=row.retry_key)

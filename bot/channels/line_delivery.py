"""Sending a webhook's answer on LINE: the free reply token first, a push when it cannot be used.

A reply token is single-use and expires about a minute after the event; a slow answer or a redelivered
event finds it spent ("Invalid reply token"), and then the answer is pushed to the chat instead.
"""
from __future__ import annotations

import logging
import uuid
from typing import Sequence

from linebot.v3.messaging import ApiException, MessagingApi, PushMessageRequest, ReplyMessageRequest

from bot.core.messages import Reply

from .line_render import render_messages
from .platforms import line_error

log = logging.getLogger(__name__)


def is_invalid_reply_token(exc: ApiException) -> bool:
    return exc.status == 400 and "invalid reply token" in str(getattr(exc, "body", "") or "").lower()


def batch_retry_key(retry_key: str, n: int) -> str:
    """Each batch of one delivery needs its own key (LINE answers 409 to a reused one and drops the
    batch), yet the same key again when the delivery is retried: derived from the delivery's key."""
    return retry_key if n == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(n)))


def push_batches(api: MessagingApi, to: str, batches: Sequence[list], retry_key: str | None = None) -> None:
    """Push rendered batches in order. With `retry_key` (a UUID kept by the caller) a retried delivery is
    not shown twice: batches LINE already accepted answer 409 and are skipped."""
    key = retry_key or str(uuid.uuid4())
    for n, batch in enumerate(batches):
        try:
            api.push_message(PushMessageRequest(to=to, messages=batch), x_line_retry_key=batch_retry_key(key, n))
        except ApiException as exc:
            if exc.status == 409 and retry_key:  # accepted before under this key
                continue
            raise line_error(exc) from exc


class LineReplier:
    def __init__(self, api: MessagingApi):
        self.api = api

    def send(self, reply_token: str | None, to: str, replies: Sequence[Reply]) -> None:
        """Answer with `replies`: the first 5 messages by reply, any further ones by push to `to`.

        Raises DeliveryError when LINE refuses both ways.
        """
        batches = render_messages(replies)
        if not batches:
            return
        if reply_token:
            try:
                self.api.reply_message(ReplyMessageRequest(reply_token=reply_token, messages=batches[0]))
                batches = batches[1:]
            except ApiException as exc:
                if not is_invalid_reply_token(exc):
                    raise line_error(exc) from exc
                log.info("LINE reply token spent or expired; pushing the answer instead")
        push_batches(self.api, to, batches)

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
                log.info("LINE reply token spent or expired; pushing the answer to %s instead", to)
        for batch in batches:
            self.push(to, batch)

    def push(self, to: str, messages: list) -> None:
        try:  # the retry key makes a retried push idempotent on LINE's side
            self.api.push_message(PushMessageRequest(to=to, messages=messages), x_line_retry_key=str(uuid.uuid4()))
        except ApiException as exc:
            raise line_error(exc) from exc

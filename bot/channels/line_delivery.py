"""Sending a webhook's answer on LINE: the free reply token first; what it cannot carry is pushed.

A reply token is single-use and expires about a minute after the event; a slow answer or a redelivered
event finds it spent ("Invalid reply token"). The answer is then left to the outbox (see answers.py),
which pushes it with a retry key, as it does when LINE fails, throttles or does not answer in time.
"""
from __future__ import annotations

import logging
import uuid
from typing import Sequence

from linebot.v3.messaging import ApiException, Message, MessagingApi, PushMessageRequest, ReplyMessageRequest

from .platforms import NETWORK_ERRORS, DeliveryError, line_error, network_error

log = logging.getLogger(__name__)


def batch_retry_key(retry_key: str, n: int) -> str:
    """Each batch of one delivery needs its own key (LINE answers 409 to a reused one and drops the
    batch), yet the same key again when the delivery is retried: derived from the delivery's key."""
    return retry_key if n == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(n)))


def _call(request, *args, **kwargs):
    """One SDK call; every failure (HTTP status, timeout, refused connection) becomes a DeliveryError."""
    try:
        return request(*args, **kwargs)
    except ApiException as exc:
        raise line_error(exc) from exc
    except NETWORK_ERRORS as exc:
        raise network_error(exc) from exc


def push_batches(api: MessagingApi, to: str, batches: Sequence[list], retry_key: str | None = None) -> None:
    """Push rendered batches in order. With `retry_key` (a UUID kept by the caller) a retried delivery is
    not shown twice: batches LINE already accepted answer 409 and are skipped."""
    key = retry_key or str(uuid.uuid4())
    for n, batch in enumerate(batches):
        try:
            _call(api.push_message, PushMessageRequest(to=to, messages=batch), x_line_retry_key=batch_retry_key(key, n))
        except DeliveryError as exc:
            if exc.status == 409 and retry_key:  # accepted before under this key
                continue
            raise


def push_dicts(api: MessagingApi, to: str, batches: list[list[dict]], retry_key: str | None = None) -> None:
    push_batches(api, to, [[Message.from_dict(m) for m in batch] for batch in batches], retry_key)


def as_dicts(batches: Sequence[list]) -> list[list[dict]]:
    return [[m.to_dict() for m in batch] for batch in batches]


def reply(api: MessagingApi, reply_token: str, batch: list) -> bool:
    """Send one batch with the reply token: True if LINE took it, False if the token is spent or expired.
    Raises DeliveryError for any other failure."""
    try:
        _call(api.reply_message, ReplyMessageRequest(reply_token=reply_token, messages=batch))
    except DeliveryError as exc:
        if exc.status == 400 and "invalid reply token" in str(exc).lower():
            log.info("LINE reply token spent or expired; the answer goes by push")
            return False
        raise
    return True

"""Sending replies to a user outside a webhook reply (status notifications, staff alerts, pushes).

One function for every channel, so features (complaints, broadcasts) never touch a platform directly.
"""
from __future__ import annotations

from typing import Sequence

from bot.core.messages import Reply

from .line_delivery import push_batches, push_dicts
from .platforms import DeliveryError, FacebookSendApi, line_messaging_api


def push(services, channel: str, to: str, replies: Sequence[Reply], retry_key: str | None = None,
         tag: str = "ACCOUNT_UPDATE") -> None:
    """Deliver `replies` to user or group `to` on `channel`; raises DeliveryError on failure.

    `retry_key` (a UUID) makes a LINE push idempotent when it is retried after a timeout. `tag` is the
    Messenger message tag (HUMAN_AGENT for a staff answer in the live chat).
    """
    settings = services.settings
    if channel == "line":
        from .line_render import render_messages

        if not settings.line_enabled:
            raise DeliveryError("LINE is not configured", retryable=False)
        push_batches(line_messaging_api(settings), to, render_messages(replies), retry_key)
    elif channel == "facebook":
        from .facebook_render import render_payloads

        if not settings.facebook_enabled:
            raise DeliveryError("Messenger is not configured", retryable=False)
        api = FacebookSendApi(settings)
        for payload in render_payloads(to, replies, messaging_type="MESSAGE_TAG", tag=tag):
            api.send(payload)
    elif channel == "web":
        from .web_inbox import deliver

        deliver(services, to, replies)
    else:
        raise DeliveryError(f"cannot push on channel {channel!r}", retryable=False)


def push_rendered(services, channel: str, to: str, rendered: list, retry_key: str | None = None) -> None:
    """Deliver an answer kept as its platform rendered it (LINE message batches, Send API bodies)."""
    settings = services.settings
    if channel == "line":
        if not settings.line_enabled:
            raise DeliveryError("LINE is not configured", retryable=False)
        push_dicts(line_messaging_api(settings), to, rendered, retry_key)
    elif channel == "facebook":
        if not settings.facebook_enabled:
            raise DeliveryError("Messenger is not configured", retryable=False)
        api = FacebookSendApi(settings)
        for payload in rendered:
            api.send(payload)
    else:
        raise DeliveryError(f"no rendered answers on channel {channel!r}", retryable=False)

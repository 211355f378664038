"""Sending replies to a user outside a webhook reply (status notifications, staff alerts, pushes).

One function for every channel, so features (complaints, broadcasts) never touch a platform directly.
"""
from __future__ import annotations

from typing import Sequence

from linebot.v3.messaging import ApiException, PushMessageRequest

from bot.core.messages import Reply

from .platforms import DeliveryError, FacebookSendApi, line_error, line_messaging_api


def push(services, channel: str, to: str, replies: Sequence[Reply], retry_key: str | None = None) -> None:
    """Deliver `replies` to user or group `to` on `channel`; raises DeliveryError on failure.

    `retry_key` (a UUID) makes a LINE push idempotent when it is retried after a timeout.
    """
    settings = services.settings
    if channel == "line":
        from .line_render import render_messages

        if not settings.line_enabled:
            raise DeliveryError("LINE is not configured", retryable=False)
        api = line_messaging_api(settings)
        for batch in render_messages(replies):
            try:
                api.push_message(PushMessageRequest(to=to, messages=batch), x_line_retry_key=retry_key)
            except ApiException as exc:
                if exc.status == 409 and retry_key:  # already accepted under this retry key
                    continue
                raise line_error(exc) from exc
    elif channel == "facebook":
        from .facebook_render import render_payloads

        if not settings.facebook_enabled:
            raise DeliveryError("Messenger is not configured", retryable=False)
        api = FacebookSendApi(settings)
        for payload in render_payloads(to, replies, messaging_type="MESSAGE_TAG", tag="ACCOUNT_UPDATE"):
            api.send(payload)
    elif channel == "web":
        from .web_inbox import deliver

        deliver(services, to, replies)
    else:
        raise DeliveryError(f"cannot push on channel {channel!r}", retryable=False)

"""LINE's Messaging API send calls (reply, push, multicast, broadcast) as JSON posted with urllib3: the
one send path for LINE. The SDK stays for the webhook's signature and parsing and for rare calls (rich
menus); turning our messages into its models and back cost more than the post.

The office network's settings come from the environment (platform_http.py): HTTPS_PROXY / HTTP_PROXY /
NO_PROXY for an outbound proxy, REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) for a CA of its own, such as a
proxy that inspects TLS.

The chat and account calls at the end (loading animation, mark as read, this month's quota) go through
line-bot-sdk's MessagingApi: rare, and never on the send path.

Every send failure becomes a DeliveryError: retryable for timeouts, refused connections, 429 and 5xx (with the
Retry-After LINE gave); 409 to a reused X-Line-Retry-Key means LINE already accepted that batch.
"""
from __future__ import annotations

import json
import logging
import threading
import uuid
from typing import Sequence

from .platform_http import NETWORK_ERRORS, NOT_NETWORK, PlatformHttp
from .platforms import DeliveryError, network_error, retry_after_seconds, retryable_status

log = logging.getLogger(__name__)
USER_AGENT = "sesa-bot (line-messaging-api)"


def batch_retry_key(retry_key: str, n: int) -> str:
    """Each batch of one delivery needs its own key (LINE answers 409 to a reused one and drops the
    batch), yet the same key again when the delivery is retried: derived from the delivery's key."""
    return retry_key if n == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(n)))


class LineApi:
    """The send endpoints of https://api.line.me with a (connect, read) timeout on every call and no
    hidden retries (the outbox decides when to try again). Many sending threads share one LineApi and
    its connection pool (platform_http.py)."""

    def __init__(self, base_url: str, access_token: str, timeout: tuple[float, float]):
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json",
                        "User-Agent": USER_AGENT}
        self.timeout = timeout
        self.http = PlatformHttp(self.headers)

    def post(self, path: str, body: dict, retry_key: str | None = None) -> bool:
        """True when LINE took it; False when it had already taken this retry key (409). The body is
        serialised as line-bot-sdk does (`json.dumps` with its defaults), byte for byte."""
        headers = {"X-Line-Retry-Key": retry_key} if retry_key else None
        try:
            resp = self.http.request("POST", self.base_url + path, body=json.dumps(body).encode(),
                                     headers=headers, timeout=self.timeout)
        except NOT_NETWORK:
            raise
        except NETWORK_ERRORS as exc:
            raise network_error(exc) from exc
        log.debug("LINE API POST %s: %s", path, resp.status)  # never the body
        if resp.status < 300:
            return True
        if resp.status == 409 and retry_key:
            return False
        raise DeliveryError(f"LINE API {resp.status}: {resp.data.decode('utf-8', 'replace')[:500]}",
                            resp.status, retryable_status(resp.status),
                            retry_after_seconds(resp.headers.get("Retry-After")))

    def reply(self, reply_token: str, batch: list[dict]) -> bool:
        """One batch by the reply token: True if LINE took it, False if the token is spent or expired."""
        try:
            return self.post("/v2/bot/message/reply",
                             {"replyToken": reply_token, "messages": batch, "notificationDisabled": False})
        except DeliveryError as exc:
            if exc.status == 400 and "invalid reply token" in str(exc).lower():
                log.info("LINE reply token spent or expired; the answer goes by push")
                return False
            raise

    def push(self, to: str, batches: Sequence[list[dict]], retry_key: str | None = None) -> None:
        """Batches in order. With `retry_key` (a UUID kept by the caller) a retried delivery is not shown
        twice: batches LINE already accepted answer 409 and are skipped."""
        key = retry_key or str(uuid.uuid4())
        for n, batch in enumerate(batches):
            self.post("/v2/bot/message/push", {"to": to, "messages": batch, "notificationDisabled": False},
                      batch_retry_key(key, n))

    def multicast(self, to: list[str], messages: list[dict], retry_key: str) -> bool:
        return self.post("/v2/bot/message/multicast",
                         {"messages": messages, "to": to, "notificationDisabled": False}, retry_key)

    def broadcast(self, messages: list[dict], retry_key: str) -> bool:
        return self.post("/v2/bot/message/broadcast", {"messages": messages, "notificationDisabled": False},
                         retry_key)


_apis: dict[tuple, LineApi] = {}
_lock = threading.Lock()


def line_api(settings) -> LineApi:
    """The process's client for these settings, reused by every request and thread."""
    key = (settings.line_api_base_url, settings.line_channel_access_token, settings.platform_timeout)
    api = _apis.get(key)
    if api is None:
        with _lock:
            api = _apis.setdefault(key, LineApi(*key))
    return api

"""Clients for the platforms' HTTP APIs, built from settings so that tests and benchmarks can point them
at local fake servers (LINE_API_BASE_URL, FACEBOOK_GRAPH_BASE_URL, ...), and the one error type of a send.
LINE's send calls are in line_api.py; the SDK's clients for rare calls in line_sdk.py."""
from __future__ import annotations

import email.utils
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from urllib.parse import urlencode

from bot.config import Settings

from .platform_http import NETWORK_ERRORS, NOT_NETWORK, PlatformHttp

GRAPH_VERSION = "v21.0"


MAX_RETRY_AFTER = 300.0


class DeliveryError(Exception):
    """A platform refused or failed a send. `retryable` is true for timeouts, 429 and 5xx; `retry_after`
    is the wait (seconds) the platform asked for, if it said; `refused`: the platform will not deliver to
    this one person (Messenger: the window closed, the person blocked the Page), others still can;
    `unsent`: the rendered part of the send still to go, when the channel knows it."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = True,
                 retry_after: float | None = None, refused: bool = False):
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.refused = refused
        self.unsent: list | None = None


def retryable_status(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


def retry_after_seconds(value: str | None) -> float | None:
    """The Retry-After header (seconds, or an HTTP date), capped so one answer cannot stall a sender."""
    if not value:
        return None
    value = str(value).strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max((when - datetime.now(timezone.utc)).total_seconds(), 0.0), MAX_RETRY_AFTER)


def network_error(exc: Exception) -> DeliveryError:
    return DeliveryError(f"platform unreachable: {type(exc).__name__}: {str(exc)[:200]}")


def without_token(text: str, settings: Settings) -> str:
    """Error text safe to log or store: urllib3 puts the whole URL, token included, into exceptions."""
    token = settings.facebook_page_access_token
    return text.replace(token, "***") if token else text


# Graph API error codes: throttling (retry later), the token (nothing will go), the rest concern one person.
FB_THROTTLED = {4, 17, 32, 613}
FB_TOKEN = {190}
_graph = PlatformHttp({"Content-Type": "application/json"})  # one pool for every Send API call of the process


@dataclass
class FacebookSendApi:
    """The Messenger Send API (POST /{version}/me/messages): the one send path for Messenger."""

    settings: Settings

    @property
    def url(self) -> str:
        return f"{self.settings.facebook_graph_base_url}/{GRAPH_VERSION}/me/messages"

    def send(self, payload: dict) -> dict:
        url = f"{self.url}?{urlencode({'access_token': self.settings.facebook_page_access_token})}"
        try:
            resp = _graph.request("POST", url, body=json.dumps(payload).encode(),
                                  timeout=self.settings.platform_timeout)
        except NOT_NETWORK:
            raise
        except NETWORK_ERRORS as exc:
            raise DeliveryError(f"Messenger Send API unreachable: {without_token(str(exc), self.settings)}") \
                from None
        if resp.status >= 400:
            text = resp.data.decode("utf-8", "replace")
            m = re.search(r'"code"\s*:\s*(\d+)', text)
            code = int(m.group(1)) if m else None
            retryable = retryable_status(resp.status) or code in FB_THROTTLED
            fatal = resp.status in (401, 403) or code in FB_TOKEN
            raise DeliveryError(f"Messenger Send API {resp.status}: {text[:300]}", resp.status,
                                retryable, retry_after_seconds(resp.headers.get("Retry-After")),
                                refused=not retryable and not fatal)
        return json.loads(resp.data) if resp.data else {}

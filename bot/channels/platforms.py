"""Clients for the platforms' HTTP APIs, built from settings so that tests and benchmarks can point the
real SDK code at local fake servers (LINE_API_BASE_URL, FACEBOOK_GRAPH_BASE_URL, ...)."""
from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import datetime, timezone

import requests
import urllib3
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi, MessagingApiBlob

from bot.config import Settings

GRAPH_VERSION = "v21.0"


MAX_RETRY_AFTER = 300.0


class DeliveryError(Exception):
    """A platform refused or failed a send. `retryable` is true for timeouts, 429 and 5xx; `retry_after`
    is the wait (seconds) the platform asked for, if it said."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = True,
                 retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


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


def line_error(exc: ApiException) -> DeliveryError:
    status = getattr(exc, "status", None) or None
    headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
    return DeliveryError(f"LINE API {status}: {getattr(exc, 'body', '') or exc}", status, retryable_status(status),
                         retry_after_seconds(headers.get("retry-after")))


NETWORK_ERRORS = (urllib3.exceptions.HTTPError, OSError)  # timeouts, refused connections, resets


def network_error(exc: Exception) -> DeliveryError:
    return DeliveryError(f"platform unreachable: {type(exc).__name__}: {str(exc)[:200]}")


class TimedApiClient(ApiClient):
    """The LINE SDK's client with a (connect, read) timeout on every call and no hidden retries: the SDK
    waits forever by default, and urllib3 retries connections three times on its own."""

    def __init__(self, configuration: Configuration, timeout: tuple[float, float]):
        configuration.retries = 0
        super().__init__(configuration)
        self.timeout = timeout

    def request(self, method, url, *args, _request_timeout=None, **kwargs):
        return super().request(method, url, *args, _request_timeout=_request_timeout or self.timeout, **kwargs)


def without_token(text: str, settings: Settings) -> str:
    """Error text safe to log or store: `requests` puts the whole URL, token included, into exceptions."""
    token = settings.facebook_page_access_token
    return text.replace(token, "***") if token else text


def line_messaging_api(settings: Settings) -> MessagingApi:
    config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token)
    return MessagingApi(TimedApiClient(config, settings.platform_timeout))


def line_blob_api(settings: Settings) -> MessagingApiBlob:
    config = Configuration(host=settings.line_data_api_base_url,
                           access_token=settings.line_channel_access_token)
    return MessagingApiBlob(TimedApiClient(config, settings.platform_timeout))


@dataclass
class FacebookSendApi:
    """The Messenger Send API (POST /{version}/me/messages)."""

    settings: Settings

    @property
    def url(self) -> str:
        return f"{self.settings.facebook_graph_base_url}/{GRAPH_VERSION}/me/messages"

    def send(self, payload: dict) -> dict:
        try:
            resp = requests.post(self.url, params={"access_token": self.settings.facebook_page_access_token},
                                 json=payload, timeout=self.settings.platform_timeout)
        except requests.RequestException as exc:
            raise DeliveryError(f"Messenger Send API unreachable: {without_token(str(exc), self.settings)}") \
                from None
        if resp.status_code >= 400:
            raise DeliveryError(f"Messenger Send API {resp.status_code}: {resp.text[:300]}", resp.status_code,
                                retryable_status(resp.status_code), retry_after_seconds(resp.headers.get("Retry-After")))
        return resp.json() if resp.content else {}

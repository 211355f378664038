"""Clients for the platforms' HTTP APIs, built from settings so that tests and benchmarks can point the
real SDK code at local fake servers (LINE_API_BASE_URL, FACEBOOK_GRAPH_BASE_URL, ...)."""
from __future__ import annotations

from dataclasses import dataclass

import requests
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi, MessagingApiBlob

from bot.config import Settings

GRAPH_VERSION = "v21.0"


class DeliveryError(Exception):
    """A platform refused or failed a send. `retryable` is true for timeouts, 429 and 5xx."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = True):
        super().__init__(message)
        self.status = status
        self.retryable = retryable


def retryable_status(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


def line_error(exc: ApiException) -> DeliveryError:
    status = getattr(exc, "status", None)
    return DeliveryError(f"LINE API {status}: {getattr(exc, 'body', '') or exc}", status, retryable_status(status))


def without_token(text: str, settings: Settings) -> str:
    """Error text safe to log or store: `requests` puts the whole URL, token included, into exceptions."""
    token = settings.facebook_page_access_token
    return text.replace(token, "***") if token else text


def line_messaging_api(settings: Settings) -> MessagingApi:
    config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token)
    return MessagingApi(ApiClient(config))


def line_blob_api(settings: Settings) -> MessagingApiBlob:
    config = Configuration(host=settings.line_data_api_base_url,
                           access_token=settings.line_channel_access_token)
    return MessagingApiBlob(ApiClient(config))


@dataclass
class FacebookSendApi:
    """The Messenger Send API (POST /{version}/me/messages)."""

    settings: Settings
    timeout: float = 10.0

    @property
    def url(self) -> str:
        return f"{self.settings.facebook_graph_base_url}/{GRAPH_VERSION}/me/messages"

    def send(self, payload: dict) -> dict:
        try:
            resp = requests.post(self.url, params={"access_token": self.settings.facebook_page_access_token},
                                 json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryError(f"Messenger Send API unreachable: {without_token(str(exc), self.settings)}") \
                from None
        if resp.status_code >= 400:
            raise DeliveryError(f"Messenger Send API {resp.status_code}: {resp.text[:300]}", resp.status_code,
                                retryable_status(resp.status_code))
        return resp.json() if resp.content else {}

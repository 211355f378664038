"""line-bot-sdk clients for LINE's rare calls (rich menus), with timeouts; sends go by line_api.py."""
from __future__ import annotations

from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi, MessagingApiBlob

from bot.config import Settings

from .platforms import DeliveryError, retry_after_seconds, retryable_status


def line_error(exc: ApiException) -> DeliveryError:
    status = getattr(exc, "status", None) or None
    headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
    return DeliveryError(f"LINE API {status}: {getattr(exc, 'body', '') or exc}", status, retryable_status(status),
                         retry_after_seconds(headers.get("retry-after")))


class TimedApiClient(ApiClient):
    """The LINE SDK's client with a (connect, read) timeout on every call and no hidden retries: the SDK
    waits forever by default, and urllib3 retries connections three times on its own."""

    def __init__(self, configuration: Configuration, timeout: tuple[float, float]):
        configuration.retries = 0
        super().__init__(configuration)
        self.timeout = timeout

    def request(self, method, url, *args, _request_timeout=None, **kwargs):
        return super().request(method, url, *args, _request_timeout=_request_timeout or self.timeout, **kwargs)


def line_messaging_api(settings: Settings) -> MessagingApi:
    config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token)
    return MessagingApi(TimedApiClient(config, settings.platform_timeout))


def line_blob_api(settings: Settings) -> MessagingApiBlob:
    config = Configuration(host=settings.line_data_api_base_url,
                           access_token=settings.line_channel_access_token)
    return MessagingApiBlob(TimedApiClient(config, settings.platform_timeout))

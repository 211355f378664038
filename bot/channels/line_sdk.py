"""line-bot-sdk clients for LINE's rare calls (rich menus), with timeouts; sends go by line_api.py."""
from __future__ import annotations

from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi, MessagingApiBlob

from bot.config import Settings

from .platform_http import environment_ca_bundle, environment_proxy
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


def configuration(host: str, access_token: str, kind: type = Configuration):
    """The SDK's urllib3 reads no proxy variable and no REQUESTS_CA_BUNDLE: given here as the sends
    take them (platform_http.py), so the rich-menu and statistics calls go out the way the sends do.
    `kind`: the Configuration class of the SDK's module the client is for (messaging's, insight's)."""
    config = kind(host=host, access_token=access_token, ssl_ca_cert=environment_ca_bundle())
    config.proxy, config.proxy_headers = environment_proxy(host)
    return config


def line_messaging_api(settings: Settings) -> MessagingApi:
    config = configuration(settings.line_api_base_url, settings.line_channel_access_token)
    return MessagingApi(TimedApiClient(config, settings.platform_timeout))


def line_blob_api(settings: Settings) -> MessagingApiBlob:
    config = configuration(settings.line_data_api_base_url, settings.line_channel_access_token)
    return MessagingApiBlob(TimedApiClient(config, settings.platform_timeout))

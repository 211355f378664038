"""Fetching what a user sent (a photo or file as evidence, say): features hold only `Media.ref`, and this
turns it into bytes for any channel (each channel's `fetch_media` picks the download below), so they never
call a platform themselves."""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from urllib.parse import quote, urljoin, urlsplit

from bot.core.messages import Media

from .platform_http import NETWORK_ERRORS, NOT_NETWORK, PlatformHttp

log = logging.getLogger(__name__)

TIMEOUT = (5, 30)
CHUNK = 64 * 1024
MAX_REDIRECTS = 3
_http = PlatformHttp()  # the process's pool for downloads, through the office's proxy if it names one


class MediaUnavailable(Exception):
    """The platform would not give the content (expired, deleted, outage)."""


class MediaTooLarge(Exception):
    """The content is larger than the caller's limit; it was not read whole."""


def content_url(services, media: Media) -> str:
    return f"{services.settings.line_data_api_base_url}/v2/bot/message/{quote(media.ref, safe='')}/content"


def fetch_line(services, media: Media, limit: int) -> tuple[bytes, str]:
    """`ref` is the LINE message id; the content comes from the data API, streamed and abandoned as soon
    as it passes the limit (the SDK would read a whole body first, so the one GET is made here)."""
    headers = {"Authorization": f"Bearer {services.settings.line_channel_access_token}"}
    deadline = time.monotonic() + services.settings.media_deadline_seconds
    try:
        with _streamed(content_url(services, media), headers, TIMEOUT) as resp:
            if resp.status >= 300:
                log.warning("LINE content %s", resp.status)
                raise MediaUnavailable(f"LINE content {resp.status}")
            return read_response(resp, limit, deadline), resp.headers.get("content-type", media.mime)
    except NOT_NETWORK:
        raise
    except NETWORK_ERRORS as exc:  # no URL in the log: it is the user's message id
        log.warning("LINE content unreachable: %s", type(exc).__name__)
        raise MediaUnavailable(type(exc).__name__) from exc


def read_limited(chunks, limit: int, deadline: float | None = None) -> bytes:
    """Join chunks, refusing as soon as more than `limit` bytes have come or the deadline has passed."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise MediaTooLarge(size)
        if deadline is not None and time.monotonic() > deadline:
            raise MediaUnavailable("download took longer than the deadline")
        parts.append(chunk)
    return b"".join(parts)


def read_response(resp, limit: int, deadline: float) -> bytes:
    if int(resp.headers.get("content-length") or 0) > limit:
        raise MediaTooLarge(resp.headers["content-length"])
    return read_limited(resp.stream(CHUNK), limit, deadline)


@contextmanager
def _streamed(url: str, headers: dict[str, str] | None, timeout: tuple[float, float]):
    """A GET whose body the caller reads in pieces; its connection goes back to the pool (or is closed,
    when the body was left unread) afterwards."""
    resp = _http.request("GET", url, headers=headers, timeout=timeout, stream=True)
    try:
        yield resp
    finally:
        if resp.length_remaining == 0:
            resp.drain_conn()  # read to its end (nothing left, or a redirect's empty body): reusable
        else:
            resp.close()  # left unread (too large): the connection is not reused
        resp.release_conn()


def allowed_url(settings, url: str) -> bool:
    """An attachment URL on the platform's own hosts: https, a host of `media_hosts` or a subdomain of
    one (plain http only for `media_http_hosts`, the tests' local fake)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.username or parts.password or not host:
        return False
    if parts.scheme == "http":
        return host in settings.media_http_hosts
    return parts.scheme == "https" and any(host == h or host.endswith("." + h)
                                           for h in settings.media_hosts + settings.media_http_hosts)


def fetch_url(services, media: Media, limit: int) -> tuple[bytes, str]:
    """An attachment URL (Messenger): only from the platform's hosts, every redirect checked again,
    read in pieces so that an oversized file is never held whole, all within one deadline."""
    settings = services.settings
    url = media.ref
    deadline = time.monotonic() + settings.media_deadline_seconds
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if not allowed_url(settings, url):
                log.warning("attachment refused: not on the platform's hosts")
                raise MediaUnavailable("attachment URL not on an allowed host")
            left = deadline - time.monotonic()
            if left <= 0:
                raise MediaUnavailable("download took longer than the deadline")
            with _streamed(url, None, (min(TIMEOUT[0], left), min(TIMEOUT[1], left))) as resp:
                if resp.get_redirect_location():
                    url = urljoin(url, resp.headers.get("location", ""))
                    continue
                if resp.status >= 400:
                    raise MediaUnavailable(f"attachment {resp.status}")
                return read_response(resp, limit, deadline), resp.headers.get("content-type", media.mime)
        raise MediaUnavailable("too many redirects")
    except NOT_NETWORK:
        raise
    except NETWORK_ERRORS as exc:
        log.warning("attachment unreachable: %s", type(exc).__name__)
        raise MediaUnavailable(type(exc).__name__) from exc


def can_fetch(channel: str) -> bool:
    from . import registry

    return channel in registry.names() and registry.channel_class(channel).fetches_media


def fetch(services, channel: str, media: Media, limit: int) -> tuple[bytes, str]:
    """The media's content and its declared type, by the channel it came on. Raises MediaTooLarge or
    MediaUnavailable."""
    from . import registry

    if not can_fetch(channel):
        raise MediaUnavailable(f"no media download on channel {channel!r}")
    return registry.get(services, channel).fetch_media(media, limit)

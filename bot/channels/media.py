"""Fetching what a user sent (a photo or file as evidence, say): features hold only `Media.ref`, and this
turns it into bytes for any channel, so they never call a platform themselves."""
from __future__ import annotations

import logging

import requests
from linebot.v3.messaging import ApiException

from bot.core.messages import Media

from .platforms import line_blob_api

log = logging.getLogger(__name__)

TIMEOUT = (5, 30)
CHUNK = 64 * 1024


class MediaUnavailable(Exception):
    """The platform would not give the content (expired, deleted, outage)."""


class MediaTooLarge(Exception):
    """The content is larger than the caller's limit; it was not read whole."""


def fetch_line(services, media: Media, limit: int) -> tuple[bytes, str]:
    """`ref` is the LINE message id; the content comes from the data API. (The SDK reads a body whole, so
    the limit is checked after the download; LINE itself caps what users can send.)"""
    try:
        resp = line_blob_api(services.settings).get_message_content_with_http_info(
            media.ref, _request_timeout=TIMEOUT)
    except ApiException as exc:
        log.warning("LINE content %s: %s", exc.status, exc.reason)
        raise MediaUnavailable(f"LINE content {exc.status}") from exc
    except Exception as exc:  # network errors surface as urllib3 exceptions
        log.warning("LINE content unreachable: %s", exc)
        raise MediaUnavailable(str(exc)) from exc
    data = bytes(resp.data or b"")
    if len(data) > limit:
        raise MediaTooLarge(len(data))
    headers = {k.lower(): v for k, v in (resp.headers or {}).items()}
    return data, headers.get("content-type", media.mime)


def read_limited(chunks, limit: int) -> bytes:
    """Join chunks, refusing as soon as more than `limit` bytes have come."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise MediaTooLarge(size)
        parts.append(chunk)
    return b"".join(parts)


def fetch_url(services, media: Media, limit: int) -> tuple[bytes, str]:
    """An attachment URL (Messenger), read in pieces so that an oversized file is never held whole."""
    if not media.ref.startswith(("https://", "http://")):
        raise MediaUnavailable(f"not a URL: {media.ref!r}")
    try:
        with requests.get(media.ref, stream=True, timeout=TIMEOUT) as resp:
            if resp.status_code >= 400:
                raise MediaUnavailable(f"attachment {resp.status_code}")
            if int(resp.headers.get("content-length") or 0) > limit:
                raise MediaTooLarge(resp.headers["content-length"])
            return read_limited(resp.iter_content(CHUNK), limit), resp.headers.get("content-type", media.mime)
    except requests.RequestException as exc:
        log.warning("attachment unreachable: %s", exc)
        raise MediaUnavailable(str(exc)) from exc


FETCHERS = {"line": fetch_line, "facebook": fetch_url}


def can_fetch(channel: str) -> bool:
    return channel in FETCHERS


def fetch(services, channel: str, media: Media, limit: int) -> tuple[bytes, str]:
    """The media's content and its declared type. Raises MediaTooLarge or MediaUnavailable."""
    if channel not in FETCHERS:
        raise MediaUnavailable(f"no media download on channel {channel!r}")
    return FETCHERS[channel](services, media, limit)

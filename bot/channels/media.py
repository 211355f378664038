"""Fetching what a user sent (a photo or file as evidence, say): features hold only `Media.ref`, and this
turns it into bytes for any channel, so they never call a platform themselves."""
from __future__ import annotations

import requests
from linebot.v3.messaging import ApiException

from bot.core.messages import Media

from .platforms import DeliveryError, line_blob_api, line_error

MAX_BYTES = 20 * 1024 * 1024


def download(services, channel: str, media: Media, max_bytes: int = MAX_BYTES) -> bytes:
    """The media's content; DeliveryError if it cannot be had or is larger than `max_bytes`."""
    if channel == "line":  # ref is the LINE message id; content comes from the data API
        try:
            data = bytes(line_blob_api(services.settings).get_message_content(media.ref))
        except ApiException as exc:
            raise line_error(exc) from exc
    elif channel == "facebook" and media.ref.startswith("https://"):  # ref is the attachment's CDN URL
        try:
            with requests.get(media.ref, timeout=20, stream=True) as resp:
                resp.raise_for_status()
                data = b""
                for chunk in resp.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        break
        except requests.RequestException as exc:
            raise DeliveryError(f"Messenger attachment unavailable: {exc}") from exc
    else:
        raise DeliveryError(f"cannot download media on channel {channel!r}", retryable=False)
    if len(data) > max_bytes:
        raise DeliveryError(f"media larger than {max_bytes} bytes", retryable=False)
    return data

"""LINE's webhook signature: base64 of the HMAC-SHA256 of the raw body under the channel secret, compared in
constant time — what line-bot-sdk's `SignatureValidator.validate` computes, without importing the SDK (its
package import loads every webhook model, ~22 MB per worker).
https://developers.line.biz/en/reference/messaging-api/#signature-validation

The result is kept on the request, because the flood limits (protect.py) ask before the view does."""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import g, request

from .http_json import read_body

LINE_WEBHOOK_PATH = "/webhooks/line"


def signature_of(secret: str, body: bytes) -> bytes:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest())


def valid(secret: str, body: bytes, signature: str) -> bool:
    """True only for the signature LINE would send for this body (the SDK compares the header's UTF-8 bytes)."""
    return bool(secret) and hmac.compare_digest(signature.encode("utf-8"), signature_of(secret, body))


def signed_by_line(secret: str) -> bool:
    """Whether this request is a LINE webhook whose X-Line-Signature matches its body. A body over the size
    limit or not UTF-8 counts as unsigned (the view answers 413/400 for them, as before)."""
    known = g.get("_line_signed")
    if known is None:
        known = g._line_signed = _check(secret)
    return known


def already_signed() -> bool:
    """True when the flood limits already found this request signed (saves the view a second HMAC)."""
    return g.get("_line_signed") is True


def _check(secret: str) -> bool:
    signature = request.headers.get("X-Line-Signature", "")
    if not signature or request.path != LINE_WEBHOOK_PATH:
        return False
    length = request.content_length  # LINE always sends it; without it the view reads (and limits) the body
    if length is None or (request.max_content_length is not None and length > request.max_content_length):
        return False
    try:
        body = read_body()
        body.decode("utf-8")
    except Exception:  # 413 or not UTF-8: the view says which
        return False
    return valid(secret, body, signature)

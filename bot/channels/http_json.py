"""Small HTTP helpers shared by the webhooks and the web chat API: JSON errors, a size-checked body and a
depth-checked JSON parse."""
from __future__ import annotations

import json

from flask import Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

# A webhook's answer to the platform (which reads only the status): built once, not per event batch.
ACCEPTED = ('{"status":"ok"}', 200, {"Content-Type": "application/json"})


class HttpError(Exception):
    """Raised inside a view to answer with a JSON error instead of Flask's HTML pages."""

    def __init__(self, status: int, message: str, **extra: object):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    def response(self) -> tuple[Response, int]:
        return json_error(self.status, self.message, **self.extra)


def json_error(status: int, message: str, **extra: object) -> tuple[Response, int]:
    return jsonify(error=message, **extra), status


def read_body() -> bytes:
    """The raw request body; larger than MAX_CONTENT_LENGTH (settings.max_body_bytes) → HttpError 413."""
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise HttpError(413, f"request body larger than {request.max_content_length} bytes") from None


# Real webhook bodies nest 5 deep (LINE: body > events > event > message > mention > mentionees); a
# deeper body is not one, and much deeper ones make json (and every recursive reader after it) raise
# RecursionError.
MAX_DEPTH = 32


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)  # once: json.loads with an option builds one a call


def parse_json(body: bytes | str) -> object:
    """A request body as JSON, else HttpError 400: not UTF-8, not JSON (NaN and Infinity included, which
    Python accepts and databases refuse), or nested deeper than MAX_DEPTH. Its size is read_body's check."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        value = _DECODER.decode(text)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise HttpError(400, "body is not valid JSON") from None
    if _may_be_deep(text) and depth(value) > MAX_DEPTH:
        raise HttpError(400, f"body is nested deeper than {MAX_DEPTH} levels")
    return value


def _may_be_deep(text: str) -> bool:
    """False when the body has too few brackets to be deep (nearly every one: counted at C speed)."""
    return text.count("{") + text.count("[") > MAX_DEPTH


def depth(value: object) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in item if isinstance(child, (dict, list)))
    return deepest


def register_json_errors(blueprint) -> None:
    """Make a blueprint answer HttpError, and Flask's own 413, as JSON."""

    @blueprint.errorhandler(HttpError)
    def _http_error(exc: HttpError):
        return exc.response()

    @blueprint.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc):
        return json_error(413, f"request body larger than {request.max_content_length} bytes")

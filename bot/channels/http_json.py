"""Small HTTP helpers shared by the webhooks and the web chat API: JSON errors and a size-checked body."""
from __future__ import annotations

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


def register_json_errors(blueprint) -> None:
    """Make a blueprint answer HttpError, and Flask's own 413, as JSON."""

    @blueprint.errorhandler(HttpError)
    def _http_error(exc: HttpError):
        return exc.response()

    @blueprint.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc):
        return json_error(413, f"request body larger than {request.max_content_length} bytes")

"""A WSGI lane for nearly all of a busy office's traffic: a LINE webhook whose signature matches its body.

Flask's machinery around a view (request context, routing, the cookie session, the flood limiter's
filters, before/after-request functions, a response object) cost about 0.35 ms of CPU a message, a
third of a whole LINE text's turn (measured in one process, the webhook called as WSGI against its
handler called directly). A signed webhook needs none of it: it is counted against the one signed
limit, its events handled, and it is answered with a fixed 200.

Everything else goes to Flask untouched (the body handed on as read), which answers as it always has:
another path or method, no Content-Length, a body over MAX_BODY_BYTES (413), no or a wrong signature
(400, and the per-address limits), a body that is not a JSON object with an events list (400), a signed
webhook over its flood limit (429; it is counted again there, which changes nothing once over). An
error while handling is answered by Flask's own error handling (503 for a database outage, 500
otherwise), inside a request context made for it.
"""
from __future__ import annotations

import io
from typing import Callable

from flask import Flask
from werkzeug.wsgi import get_content_length

from . import line_signature
from .http_json import ACCEPTED, HttpError
from .protect import REFERRER_POLICY
from .signed_limit import SignedLineLimit

# What Flask answers a signed webhook with (http_json.ACCEPTED and protect.py's headers), built once.
BODY = ACCEPTED[0].encode()
HEADERS = [("Content-Type", ACCEPTED[2]["Content-Type"]), ("Content-Length", str(len(BODY))),
           ("Referrer-Policy", REFERRER_POLICY)]


class SignedLineLane:
    """WSGI middleware in front of Flask's `wsgi_app` (inside logs.RequestIds, so every line still has
    its request id)."""

    def __init__(self, app: Flask, inner, secret: str, limit: SignedLineLimit,
                 payload_of: Callable[[bytes], dict], handle: Callable[[dict], None]):
        self.app, self.inner, self.secret, self.limit = app, inner, secret, limit
        self.payload_of, self.handle = payload_of, handle

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != line_signature.LINE_WEBHOOK_PATH:
            return self.inner(environ, start_response)
        signature = environ.get("HTTP_X_LINE_SIGNATURE")
        length = get_content_length(environ)  # as Flask reads it: None when absent or chunked
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if not signature or length is None or (limit is not None and length > limit):
            return self.inner(environ, start_response)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # for Flask, should the request go on there
        if len(body) != length or not line_signature.valid(self.secret, body, signature):
            return self.inner(environ, start_response)
        try:
            payload = self.payload_of(body)
        except HttpError:
            return self.inner(environ, start_response)
        if self.limit.hit() is not None:
            return self.inner(environ, start_response)
        try:
            self.handle(payload)
        except Exception as exc:  # noqa: BLE001 - Flask decides what the platform is told
            return self.flask_error(environ, start_response, exc)
        start_response("200 OK", list(HEADERS))
        return [BODY]

    def flask_error(self, environ, start_response, exc: Exception):
        """The answer Flask gives when a view raises `exc`: its error handlers (the database outage's 503),
        else its 500, logged (re-raised where PROPAGATE_EXCEPTIONS is set, as under tests). Called while
        `exc` is being handled, which Flask's re-raise of an exception without a handler relies on."""
        app = self.app
        with app.request_context(environ):
            try:
                rv = app.handle_user_exception(exc)
            except Exception as unhandled:  # noqa: BLE001
                rv = app.handle_exception(unhandled)
            response = app.finalize_request(rv, from_error_handler=True)
            return response(environ, start_response)

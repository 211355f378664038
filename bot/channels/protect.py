"""What every public endpoint (webhooks, /api/chat) gets, app-wide: flood limits and privacy headers.

Limits (Flask-Limiter) are counted per client address and for everyone together, in process memory by
default (each gunicorn worker counts apart) or in RATE_LIMIT_STORAGE_URL (redis://; `limits` has no SQL
backend) when several workers or instances share the load. A LINE webhook whose signature matches its body
can only come from LINE, so it is exempt (Flask-Limiter's request filter): hundreds of real users a second
must not get 429s, and the event id claim and the 3-hour age cut-off already stop a replay of captured
bodies; anything unsigned or wrongly signed, and the web chat, stay under the per-address and global
limits. While a shared store is unreachable each
process counts in its own memory instead of failing the request (a webhook's 500 would be redelivered
into the same outage). An excess gets 429 with a Thai message (JSON on the API and webhooks). Chat answers may hold a complaint, so they
are never cached (`Cache-Control: no-store`), and no page leaks its address to other sites.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import Flask, request
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address

from bot.core.origin import client_origin

from . import line_signature
from .http_json import json_error

PUBLIC_PREFIXES = ("/api/chat", "/webhooks/")
NO_STORE_PREFIXES = ("/api/chat",)
REFERRER_POLICY = "same-origin"


def is_public() -> bool:
    return request.path.startswith(PUBLIC_PREFIXES)


def not_public() -> bool:
    return not is_public()


def is_webhook() -> bool:
    return request.path.startswith("/webhooks/")


def address_tag(secret: bytes, address: str) -> str:
    return hmac.new(secret, f"origin:{address}".encode(), hashlib.sha256).hexdigest()[:24]


def protect_public_endpoints(app: Flask, services) -> Limiter:
    settings, content = services.settings, services.content

    def per_address() -> str:
        return settings.rate_limit_webhook_per_address if is_webhook() else settings.rate_limit_per_address

    def signed_by_line() -> bool:
        return settings.line_enabled and line_signature.signed_by_line(settings.line_channel_secret)

    def anonymous() -> bool:
        """Limited per address and globally: public, and not a LINE webhook LINE signed."""
        return is_public() and not signed_by_line()

    storage_url = settings.rate_limit_storage_url
    limiter = Limiter(
        get_remote_address, app=app, storage_uri=storage_url, key_prefix="bot",
        in_memory_fallback_enabled=not storage_url.startswith("memory://"),
        application_limits=[ApplicationLimit(per_address, exempt_when=lambda: not anonymous()),
                            ApplicationLimit(settings.rate_limit_global, key_function=lambda: "everyone",
                                             scope="all-public", exempt_when=lambda: not anonymous())],
        headers_enabled=True)
    limiter.request_filter(signed_by_line)  # LINE's own webhooks: never limited, never counted

    @app.errorhandler(429)
    def too_many(exc):
        th, en = content.say("too_many_requests", "th"), content.say("too_many_requests", "en")
        if is_public():
            resp, status = json_error(429, th, error_en=en)
        else:
            resp, status = app.response_class(th, mimetype="text/plain"), 429
        resp.headers.setdefault("Retry-After", "60")
        return resp, status

    @app.before_request
    def remember_origin():
        if request.path.startswith("/api/chat"):
            client_origin.set(address_tag(settings.reporter_secret, get_remote_address() or ""))

    @app.after_request
    def headers(resp):
        resp.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        if request.path.startswith(NO_STORE_PREFIXES):
            resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.teardown_request
    def forget_origin(_exc=None):
        client_origin.set("")

    return limiter

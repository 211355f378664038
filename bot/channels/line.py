"""`POST /webhooks/line`: the LINE Messaging API webhook.

Order matters: size (413), then the signature over the raw body (400) before anything is parsed, then
the JSON (400). Events are handled synchronously inside the request; LINE waits a few seconds, and a
reply here takes well under one.
"""
from __future__ import annotations

import json
import logging

from flask import Blueprint, jsonify, request
from linebot.v3 import SignatureValidator

from .http_json import HttpError, read_body, register_json_errors
from .line_events import LineEvents
from .platforms import line_messaging_api

log = logging.getLogger(__name__)


def verified_payload(validator: SignatureValidator) -> dict:
    """The webhook body as JSON, only if X-Line-Signature matches it; HttpError otherwise."""
    body = read_body()
    signature = request.headers.get("X-Line-Signature", "")
    if not signature:
        raise HttpError(400, "missing X-Line-Signature header")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "invalid signature") from None
    if not validator.validate(text, signature):
        raise HttpError(400, "invalid signature")
    try:
        payload = json.loads(text)
    except ValueError:
        raise HttpError(400, "body is not valid JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("events", []), list):
        raise HttpError(400, "body must be a JSON object with an 'events' list")
    return payload


def line_blueprint(bot, services) -> Blueprint:
    settings = services.settings
    validator = SignatureValidator(settings.line_channel_secret)
    handler = LineEvents(bot, services, line_messaging_api(settings))
    bp = Blueprint("line", __name__)
    register_json_errors(bp)

    @bp.post("/webhooks/line")
    def webhook():
        payload = verified_payload(validator)
        for raw in payload.get("events", []):
            if isinstance(raw, dict):
                handler.handle(raw)
        return jsonify(status="ok")

    return bp

"""`GET/POST /webhooks/facebook`: the Messenger Platform webhook.

GET is Meta's subscription handshake. POST is checked against X-Hub-Signature-256 (HMAC-SHA256 of the
raw body with the app secret) before anything is parsed; Meta expects a quick 200 for every delivery.
"""
from __future__ import annotations

import hashlib
import hmac
import json

from flask import Blueprint, Response, jsonify, request

from .facebook_events import FacebookEvents, messaging_items
from .http_json import HttpError, read_body, register_json_errors
from .platforms import FacebookSendApi


def signature_ok(app_secret: str, body: bytes, header: str) -> bool:
    if not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


def facebook_blueprint(bot, services) -> Blueprint:
    settings = services.settings
    handler = FacebookEvents(bot, services, FacebookSendApi(settings))
    bp = Blueprint("facebook", __name__)
    register_json_errors(bp)

    @bp.get("/webhooks/facebook")
    def verify():
        args = request.args
        token = settings.facebook_verify_token
        if args.get("hub.mode") == "subscribe" and token and hmac.compare_digest(
                args.get("hub.verify_token", ""), token):
            return Response(args.get("hub.challenge", ""), 200, mimetype="text/plain")
        return Response("verification failed", 403, mimetype="text/plain")

    @bp.post("/webhooks/facebook")
    def webhook():
        body = read_body()
        header = request.headers.get("X-Hub-Signature-256", "")
        if not header:
            raise HttpError(403, "missing X-Hub-Signature-256 header")
        if not signature_ok(settings.facebook_app_secret, body, header):
            raise HttpError(403, "invalid signature")
        try:
            payload = json.loads(body)
        except ValueError:
            raise HttpError(400, "body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise HttpError(400, "body must be a JSON object")
        for item in messaging_items(payload):
            handler.handle(item)
        return jsonify(status="ok")

    return bp

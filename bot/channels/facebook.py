"""The Messenger channel: `GET/POST /webhooks/facebook` (the Messenger Platform webhook) and the send side.

GET is Meta's subscription handshake. POST is checked against X-Hub-Signature-256 (HMAC-SHA256 of the
raw body with the app secret) before anything is parsed; Meta expects a quick 200 for every delivery.
"""
from __future__ import annotations

import hashlib
import hmac
import logging

from typing import Sequence

from flask import Blueprint, Response, request

from bot.core.messages import Media, Reply

from .base import Bound, BroadcastPlan, Limits
from .facebook_render import MAX_QUICK, MAX_TEXT, announcement_messages, render_payloads
from .http_json import ACCEPTED, HttpError, parse_json, read_body, register_json_errors
from .platforms import DeliveryError, FacebookSendApi

log = logging.getLogger(__name__)
MESSENGER_BATCH = 100  # people per planned batch of an announcement (sent one by one)


def signature_ok(app_secret: str, body: bytes, header: str) -> bool:
    if not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


def facebook_blueprint(bot, services, path: str, channel) -> Blueprint:
    from .facebook_events import FacebookEvents, messaging_items

    settings = services.settings
    handler = FacebookEvents(bot, services, channel)
    bp = Blueprint("facebook", __name__)
    register_json_errors(bp)

    @bp.get(path)
    def verify():
        args = request.args
        token = settings.facebook_verify_token
        if args.get("hub.mode") == "subscribe" and token and hmac.compare_digest(
                args.get("hub.verify_token", ""), token):
            return Response(args.get("hub.challenge", ""), 200, mimetype="text/plain")
        return Response("verification failed", 403, mimetype="text/plain")

    @bp.post(path)
    def webhook():
        body = read_body()
        header = request.headers.get("X-Hub-Signature-256", "")
        if not header:
            raise HttpError(403, "missing X-Hub-Signature-256 header")
        if not signature_ok(settings.facebook_app_secret, body, header):
            raise HttpError(403, "invalid signature")
        payload = parse_json(body)
        if not isinstance(payload, dict):
            raise HttpError(400, "body must be a JSON object")
        for item in messaging_items(payload):
            handler.handle(item)
        return ACCEPTED

    return bp


class Channel(Bound):
    name = "facebook"
    limits = Limits(messages_per_call=1, text_chars=MAX_TEXT, quick_replies=MAX_QUICK)
    webhook_path = "/webhooks/facebook"
    needs = "FACEBOOK_APP_SECRET and FACEBOOK_PAGE_ACCESS_TOKEN"
    fetches_media = True
    announces = True
    per_person = True  # Messenger has no multicast: an announcement goes person by person

    @staticmethod
    def enabled(settings) -> bool:
        return settings.facebook_enabled

    def blueprint(self, bot, services) -> Blueprint:
        if not services.settings.facebook_verify_token:
            log.warning("Messenger: FACEBOOK_VERIFY_TOKEN is not set, so the webhook handshake will fail")
        return facebook_blueprint(bot, services, self.webhook_path, self)

    def api(self) -> FacebookSendApi:
        if not self.services.settings.facebook_enabled:
            raise DeliveryError("Messenger is not configured", retryable=False)
        return FacebookSendApi(self.services.settings)

    @staticmethod
    def render(replies: Sequence[Reply], to: str = "", messaging_type: str = "RESPONSE",
               tag: str | None = None) -> list[dict]:
        """Send API bodies: RESPONSE answers a message, MESSAGE_TAG + tag sends later."""
        return render_payloads(to, replies, messaging_type=messaging_type, tag=tag)

    def send(self, to: str, replies: Sequence[Reply], retry_key: str | None = None,
             tag: str = "ACCOUNT_UPDATE", **_options) -> None:
        """A push outside the 24-hour answer: tagged (ACCOUNT_UPDATE, or HUMAN_AGENT for live-chat staff)."""
        self.send_rendered(to, self.render(replies, to, "MESSAGE_TAG", tag), retry_key)

    def send_rendered(self, to: str, rendered: list, retry_key: str | None = None,
                      reply_token: str | None = None, spent_token_was_ours: bool = False) -> None:
        """Send API calls in order; from the first that fails, the rest is `unsent`. No retry key on
        Messenger, so a body the platform took but did not confirm may come twice."""
        api = self.api()
        for n, payload in enumerate(rendered):
            try:
                api.send(payload)
            except DeliveryError as exc:
                exc.unsent = list(rendered[n:])
                raise

    @staticmethod
    def render_announcement(a, office) -> list[dict]:
        return announcement_messages(a.title, a.text, office.label, a.image_url, a.link_url, office.read_more)

    @staticmethod
    def broadcast_batches(session, b, now) -> BroadcastPlan:
        """Whoever wrote to the Page in the last 24 hours (the only ones it may message unprompted)."""
        from bot.broadcasts.recipients import messenger_followers

        people = messenger_followers(session, b.segment, now)
        batches = [("messenger", people[i:i + MESSENGER_BATCH], len(people[i:i + MESSENGER_BATCH]))
                   for i in range(0, len(people), MESSENGER_BATCH)]
        group = f"ในกลุ่ม {b.segment} " if b.segment else ""
        return BroadcastPlan(batches, [] if people else [f"Messenger: ไม่มีผู้ติดตาม{group}ที่ทักมาภายใน 24 ชั่วโมง"])

    @staticmethod
    def reachable(session, user_ids: list[str], now) -> set[str]:
        """Who of `user_ids` is still inside the 24-hour window now (it may have closed since the plan)."""
        from bot.broadcasts.recipients import still_in_window

        return set(still_in_window(session, user_ids, now))

    def send_announcement(self, kind: str, recipients: list[str], messages: list[dict], retry_key: str) -> str | None:
        """Each message to each person with `messaging_type: UPDATE` (a message the Page sends on its own
        initiative inside the 24-hour window; no message tag, since tags may not carry news)."""
        if not self.services.settings.facebook_enabled:
            raise DeliveryError("ยังไม่ได้ตั้งค่า Messenger (FACEBOOK_APP_SECRET / FACEBOOK_PAGE_ACCESS_TOKEN)",
                                retryable=False)
        api = self.api()
        for user_id in recipients:
            for message in messages:
                api.send({"recipient": {"id": user_id}, "messaging_type": "UPDATE", "message": message})
        return None

    def fetch_media(self, media: Media, limit: int) -> tuple[bytes, str]:
        from .media import fetch_url

        return fetch_url(self.services, media, limit)

"""The LINE channel: `POST /webhooks/line` (the Messaging API webhook) and the send side.

Order matters: size (413), then the signature over the raw body (400) before anything is parsed, then
the JSON (400). Each event's turn is committed inside the request (its answer owed in the outbox); the
answer goes out from the sending pool after the 200 (answers.py), so LINE never waits on LINE.
"""
from __future__ import annotations

import logging
from typing import Sequence

from flask import Blueprint, request

from bot.core.messages import Media, Reply

from . import line_signature
from .base import Bound, BroadcastPlan, Limits
from .http_json import ACCEPTED, HttpError, parse_json, read_body, register_json_errors
from .line_api import LineApi, line_api
from .line_render import MAX_MESSAGES, MAX_QUICK, MAX_TEXT, announcement_messages, render_messages
from .platforms import DeliveryError

log = logging.getLogger(__name__)
LINE_MULTICAST_MAX = 500  # user ids per multicast call


def verified_payload(secret: str) -> dict:
    """The webhook body as JSON, only if X-Line-Signature matches it; HttpError otherwise."""
    body = read_body()
    signature = request.headers.get("X-Line-Signature", "")
    if not signature:
        raise HttpError(400, "missing X-Line-Signature header")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "invalid signature") from None
    if not (line_signature.already_signed() or line_signature.valid(secret, body, signature)):
        raise HttpError(400, "invalid signature")
    return payload_of(body)


def payload_of(body: bytes) -> dict:
    """A signed body as JSON: an object with an `events` list, else HttpError 400."""
    payload = parse_json(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("events", []), list):
        raise HttpError(400, "body must be a JSON object with an 'events' list")
    return payload


class Channel(Bound):
    name = "line"
    limits = Limits(messages_per_call=MAX_MESSAGES, text_chars=MAX_TEXT, quick_replies=MAX_QUICK)
    webhook_path = line_signature.LINE_WEBHOOK_PATH
    needs = "LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN"
    fetches_media = True
    announces = True
    # per_person stays False: an announcement goes to 500 people a call (or to every friend at once)

    @staticmethod
    def enabled(settings) -> bool:
        return settings.line_enabled

    def blueprint(self, bot, services) -> Blueprint:
        from .line_events import LineEvents

        secret = services.settings.line_channel_secret
        self._events = LineEvents(bot, services, self)
        bp = Blueprint("line", __name__)
        register_json_errors(bp)

        @bp.post(self.webhook_path)
        def webhook():
            self.handle_payload(verified_payload(secret))
            return ACCEPTED

        return bp

    def handle_payload(self, payload: dict) -> None:
        for raw in payload.get("events", []):
            if isinstance(raw, dict):
                self._events.handle(raw)

    def api(self) -> LineApi:
        settings = self.services.settings
        if not settings.line_enabled:
            raise DeliveryError("LINE is not configured", retryable=False)
        return line_api(settings)

    @staticmethod
    def render(replies: Sequence[Reply]) -> list[list[dict]]:
        return render_messages(replies)

    def send(self, to: str, replies: Sequence[Reply], retry_key: str | None = None, **_options) -> None:
        self.send_rendered(to, self.render(replies), retry_key)

    def send_rendered(self, to: str, rendered: list, retry_key: str | None = None,
                      reply_token: str | None = None, spent_token_was_ours: bool = False) -> None:
        """The first batch by the reply token (free), the rest, or all when the token is spent, by push.
        On failure `unsent` is every batch not taken by the reply: pushed again under the same retry key,
        the batches LINE already has answer 409 and are skipped. `spent_token_was_ours`: the token was
        tried for this very answer by a process that died, so a spent token means LINE has its batch."""
        api = self.api()
        batches = list(rendered)
        try:
            if reply_token and batches and (api.reply(reply_token, batches[0]) or spent_token_was_ours):
                batches = batches[1:]
            api.push(to, batches, retry_key)
        except DeliveryError as exc:
            exc.unsent = batches
            raise

    @staticmethod
    def render_announcement(a, office) -> list[dict]:
        return announcement_messages(a.title.strip(), a.text.strip(), office.label, a.image_url, a.link_url,
                                     office.read_more)

    @staticmethod
    def broadcast_batches(session, b, now) -> BroadcastPlan:
        """To a segment: multicasts of 500 recorded followers; to everyone: one broadcast call, which
        reaches friends the bot never recorded too."""
        from bot.broadcasts.recipients import line_follower_count, line_followers

        if not b.segment:
            return BroadcastPlan([("broadcast", [], line_follower_count(session))], [])
        people = line_followers(session, b.segment)
        batches = [("multicast", people[i:i + LINE_MULTICAST_MAX], len(people[i:i + LINE_MULTICAST_MAX]))
                   for i in range(0, len(people), LINE_MULTICAST_MAX)]
        return BroadcastPlan(batches, [] if people else [f"LINE: ไม่มีผู้ติดตามในกลุ่ม {b.segment}"])

    def send_announcement(self, kind: str, recipients: list[str], messages: list[dict], retry_key: str) -> str | None:
        if not self.services.settings.line_enabled:
            raise DeliveryError("ยังไม่ได้ตั้งค่า LINE (LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN)",
                                retryable=False)
        try:
            if kind == "broadcast":
                taken = self.api().broadcast(messages, retry_key)
            else:
                taken = self.api().multicast(recipients, messages, retry_key)
        except DeliveryError as exc:
            if "monthly limit" in str(exc):  # a 429 for the month's quota, used up: no retry fixes it
                exc.retryable = False
            raise
        return None if taken else "LINE รับคำขอนี้ไปแล้ว (409: retry key ซ้ำ) จึงไม่ส่งซ้ำ"

    def fetch_media(self, media: Media, limit: int) -> tuple[bytes, str]:
        from .media import fetch_line

        return fetch_line(self.services, media, limit)

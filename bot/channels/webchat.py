"""The web chat: `GET /chat` (the page), `GET /chat/widget.js` (a floating chat button for the office's
website), `POST /api/chat` (one message → the bot's replies), `GET /api/chat/history` (what this session
already said, for a reload) and `GET /api/chat/inbox` (messages pushed later). Everything is served from
this package; no external CDN.

A visitor is who the server says, never who the request claims to be: the id lives in the signed,
HttpOnly session cookie, and the server also issues a signed token of it (`X-Chat-Token`) for a chat
embedded in another site's iframe, where the cookie may be blocked as a third-party cookie. A `user_id`
in a body or query string is refused: whoever learnt another visitor's id could otherwise read their
inbox, track their complaint and take over their draft.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, jsonify, render_template, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from typing import Sequence

from bot.core.messages import Incoming, Media, Reply, Text, reply_to_dict
from bot.storage import utcnow

from . import web_history, web_hooks, web_inbox, web_uploads
from .base import Bound, BroadcastPlan, Limits
from .fixed_replies import menu_quick_replies
from .http_json import HttpError, parse_json, read_body, register_json_errors
from .platforms import DeliveryError
from .usable_input import text_problem

MAX_TEXT = 2000
TOKEN_HEADER = "X-Chat-Token"
TOKEN_SALT = "webchat-visitor"
TOKEN_MAX_AGE = 90 * 24 * 3600  # a complaint's status updates reach the visitor for this long
PAGE_TEXTS = ("webchat_title", "webchat_subtitle", "webchat_welcome", "webchat_placeholder", "webchat_send",
              "webchat_open", "webchat_close", "webchat_offline", "webchat_attach", "webchat_attach_camera",
              "webchat_attach_file", "webchat_attach_location", "webchat_location_unavailable",
              "webchat_sent_photo", "webchat_sent_file", "webchat_sent_location", "webchat_queued")
NO_STORE = {"Cache-Control": "no-store"}


def new_user_id() -> str:
    return "web-" + secrets.token_urlsafe(18)


def visitor_error(content, key: str, status: int, **values) -> HttpError:
    """An error a person may see: Thai first, English alongside for developers and other languages."""
    return HttpError(status, content.say(key, "th", **values), error_en=content.say(key, "en", **values))


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=TOKEN_SALT)


def token_for(user_id: str) -> str:
    return serializer().dumps(user_id)


def id_from_token(token: str) -> str | None:
    """The visitor a token was issued to; None for a forged, altered or expired one."""
    try:
        user_id = serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return user_id if isinstance(user_id, str) and user_id.startswith("web-") else None


def same_site(services, reply: dict) -> dict:
    """An image this server draws (a chart) by its path, so the page loads it from wherever it was opened
    (PUBLIC_BASE_URL is for LINE and Messenger, which fetch images themselves)."""
    base = services.settings.public_base_url.rstrip("/")
    if reply.get("type") == "image" and base:
        for key in ("url", "preview_url"):
            if str(reply.get(key, "")).startswith(base + "/"):
                reply[key] = reply[key][len(base):]
    return reply


class Channel(Bound):
    """The web chat: answers go back in the HTTP response; pushes wait in the visitor's inbox until the
    page polls for them. No announcements; files arrive by upload (web_uploads.py)."""

    name = "web"
    fetches_media = True  # an upload, held for its turn by web_uploads
    limits = Limits(messages_per_call=0, text_chars=MAX_TEXT, quick_replies=0)

    @staticmethod
    def enabled(settings) -> bool:
        return True

    def blueprint(self, bot, services) -> Blueprint:
        return webchat_blueprint(bot, services)

    @staticmethod
    def render(replies: Sequence[Reply]) -> list[dict]:
        return [reply_to_dict(r) for r in replies]

    def send(self, to: str, replies: Sequence[Reply], retry_key: str | None = None, **_options) -> None:
        web_inbox.deliver(self.services, to, replies)

    def send_rendered(self, to: str, rendered: list, retry_key: str | None = None,
                      reply_token: str | None = None, spent_token_was_ours: bool = False) -> None:
        raise DeliveryError("no rendered answers on channel 'web' (the web chat answers in its response)",
                            retryable=False)

    @staticmethod
    def render_announcement(a, office) -> list[dict]:
        return []

    @staticmethod
    def broadcast_batches(session, b, now) -> BroadcastPlan:
        return BroadcastPlan([], [])

    def send_announcement(self, kind: str, recipients: list[str], messages: list[dict], retry_key: str) -> str | None:
        raise DeliveryError("no announcements on the web chat", retryable=False)

    def fetch_media(self, media: Media, limit: int) -> tuple[bytes, str]:
        return web_uploads.staged(media.ref, limit)


def webchat_blueprint(bot, services) -> Blueprint:
    content = services.content
    bp = Blueprint("webchat", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/chat/static")
    register_json_errors(bp)

    def page_texts() -> dict:
        return {key.removeprefix("webchat_"): content.say(key) for key in PAGE_TEXTS}

    def refuse_claimed_id(data: object = None) -> None:
        if "user_id" in request.args or (isinstance(data, dict) and "user_id" in data):
            raise visitor_error(content, "webchat_error_user_id", 400)

    def visitor() -> str:
        """The server's own idea of the visitor: its signed token, else the session's id, else a new one."""
        token = request.headers.get(TOKEN_HEADER, "")
        user_id = (id_from_token(token) if token else None) or session.get("web_user_id") or new_user_id()
        if session.get("web_user_id") != user_id:
            session["web_user_id"] = user_id
            session.permanent = True
        return user_id

    def answer(user_id: str, **payload):
        live = web_hooks.live_status(services, user_id, utcnow())  # the header and end button of a live chat
        return jsonify(token=token_for(user_id), live=live, **payload), 200, NO_STORE

    @bp.get("/chat")
    def chat_page():
        refuse_claimed_id()
        welcome = reply_to_dict(Text(content.say("webchat_welcome"), menu_quick_replies(content)))
        return render_template("webchat/chat.html", texts=page_texts(), welcome=welcome,
                               embedded=request.args.get("embed") == "1", max_text=MAX_TEXT,
                               token=token_for(visitor()), token_header=TOKEN_HEADER,
                               file_types=web_hooks.picker_types(services)), 200, NO_STORE

    @bp.get("/chat/widget.js")
    def widget():
        body = render_template("webchat/widget.js", texts=page_texts())
        return body, 200, {"Content-Type": "application/javascript; charset=utf-8",
                           "Cache-Control": "public, max-age=3600"}

    def message_text() -> str:
        """The body's text, checked before anything is saved: a JSON object whose `text` is storable (no
        NUL, no lone surrogate), not empty and not too long; a 4xx otherwise."""
        if not request.is_json:
            raise visitor_error(content, "webchat_error_not_json", 400)
        try:
            data = parse_json(read_body())
        except HttpError as exc:
            if exc.status != 400:
                raise
            raise visitor_error(content, "webchat_error_not_json", 400) from None
        if not isinstance(data, dict):
            raise visitor_error(content, "webchat_error_not_json", 400)
        refuse_claimed_id(data)
        text = data.get("text")
        if isinstance(text, str) and text_problem(text) is not None:
            raise visitor_error(content, "webchat_error_not_json", 400)
        if not isinstance(text, str) or not text.strip():
            raise visitor_error(content, "webchat_error_empty", 400)
        if len(text) > MAX_TEXT:
            raise visitor_error(content, "webchat_error_too_long", 413, limit=MAX_TEXT)
        return text

    @bp.post("/api/chat")
    def chat_api():
        text = message_text()
        user_id = visitor()
        turn = bot.respond(Incoming("web", user_id, text=text.strip()))
        replies = [same_site(services, reply_to_dict(r)) for r in turn.replies]
        web_history.record(services, user_id, text.strip(), replies)
        return answer(user_id, replies=replies)

    @bp.get("/api/chat/history")
    def history():
        refuse_claimed_id()
        user_id = visitor()
        replies = web_history.entries(services, user_id)
        state, expired = services.states.load("web", user_id)
        if replies and not expired and (state.get("flow") or {}).get("name") == "complaint":
            replies.append({"role": "bot", "type": "notice", "text": content.say("webchat_complaint_in_progress"),
                            "quick_replies": []})
        return answer(user_id, replies=replies)

    @bp.get("/api/chat/inbox")
    def inbox():
        refuse_claimed_id()
        user_id = visitor()
        replies = web_inbox.collect(services, user_id)
        if replies:
            web_history.record(services, user_id, None, replies)
        return answer(user_id, replies=replies)

    web_uploads.add_routes(bp, bot, services, visitor_of_token=id_from_token, token_header=TOKEN_HEADER,
                           answer=answer, shown=lambda reply: same_site(services, reply))
    return bp

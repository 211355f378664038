"""The web chat: `GET /chat` (the page), `GET /chat/widget.js` (a floating chat button for the office's
website), `POST /api/chat` (one message → the bot's replies) and `GET /api/chat/inbox` (messages pushed
later). Everything is served from this package; no external CDN.

A visitor's id lives in a signed session cookie; the page also keeps it in localStorage and sends it as
`user_id`, because a chat embedded in another site's iframe may not get its cookie (third-party cookies).
Ids are random and long, so knowing one is what identifies the visitor.
"""
from __future__ import annotations

import re
import secrets

from flask import Blueprint, jsonify, render_template, request, session

from bot.core.messages import Incoming, Text, reply_to_dict

from . import web_inbox
from .fixed_replies import menu_quick_replies
from .http_json import HttpError, register_json_errors

MAX_TEXT = 2000
USER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
PAGE_TEXTS = ("webchat_title", "webchat_subtitle", "webchat_welcome", "webchat_placeholder", "webchat_send",
              "webchat_open", "webchat_close", "webchat_offline")


def new_user_id() -> str:
    return "web-" + secrets.token_urlsafe(18)


def visitor_error(content, key: str, status: int, **values) -> HttpError:
    """An error a person may see: Thai first, English alongside for developers and other languages."""
    return HttpError(status, content.say(key, "th", **values), error_en=content.say(key, "en", **values))


def webchat_blueprint(bot, services) -> Blueprint:
    content = services.content
    bp = Blueprint("webchat", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/chat/static")
    register_json_errors(bp)

    def page_texts() -> dict:
        return {key.removeprefix("webchat_"): content.say(key) for key in PAGE_TEXTS}

    def visitor(claimed: object = None) -> str:
        """The visitor's id: the one the page sent, else the session's, else a new one; kept in the session."""
        if claimed not in (None, ""):
            if not isinstance(claimed, str) or not USER_ID.match(claimed):
                raise visitor_error(content, "webchat_error_user_id", 400)
            user_id = claimed
        else:
            user_id = session.get("web_user_id") or new_user_id()
        if session.get("web_user_id") != user_id:
            session["web_user_id"] = user_id
            session.permanent = True
        return user_id

    @bp.get("/chat")
    def chat_page():
        welcome = reply_to_dict(Text(content.say("webchat_welcome"), menu_quick_replies(content)))
        return render_template("webchat/chat.html", texts=page_texts(), welcome=welcome,
                               embedded=request.args.get("embed") == "1", max_text=MAX_TEXT)

    @bp.get("/chat/widget.js")
    def widget():
        body = render_template("webchat/widget.js", texts=page_texts())
        return body, 200, {"Content-Type": "application/javascript; charset=utf-8",
                           "Cache-Control": "public, max-age=3600"}

    @bp.post("/api/chat")
    def chat_api():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise visitor_error(content, "webchat_error_not_json", 400)
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise visitor_error(content, "webchat_error_empty", 400)
        if len(text) > MAX_TEXT:
            raise visitor_error(content, "webchat_error_too_long", 413, limit=MAX_TEXT)
        user_id = visitor(data.get("user_id"))
        turn = bot.respond(Incoming("web", user_id, text=text.strip()))
        return jsonify(user_id=user_id, replies=[reply_to_dict(r) for r in turn.replies])

    @bp.get("/api/chat/inbox")
    def inbox():
        user_id = visitor(request.args.get("user_id"))
        return jsonify(user_id=user_id, replies=web_inbox.collect(services, user_id))

    return bp

"""The web chat's attachments: `POST /api/chat/upload` (a photo or a file, multipart field `file`) and
`POST /api/chat/location` (JSON `latitude`, `longitude` from the browser's geolocation).

Each becomes the same message a LINE user's photo or location is (`Incoming.media` / `.location`), so the
complaint flow keeps it as evidence at the steps that take evidence and answers as on LINE elsewhere. The
file is held in memory for its one turn only, under a random reference, and the channel's `fetch_media`
hands it over (as LINE's reads LINE's data API): `complaints.evidence` then applies LINE's size, type and
cleaning rules, and nothing uncleaned is ever written. Before the turn, the size (413) and the type (415)
are checked against the same rules (`web_hooks.accepts`), so a refused file costs no turn.

Only a visitor the server issued a token to may upload (the `X-Chat-Token` header: 401 without it, 403
for a forged or expired one); a cross-site form cannot set that header, so no other site can post files
into a visitor's complaint.
"""
from __future__ import annotations

import math
import secrets
import threading
from typing import Callable

from flask import Blueprint, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from bot.core.messages import Incoming, Location, Media, reply_to_dict

from . import web_history, web_hooks
from .http_json import HttpError, parse_json, read_body
from .media import MediaTooLarge, MediaUnavailable

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and headers around the one file
_staged: dict[str, tuple[bytes, str]] = {}
_lock = threading.Lock()


def stage(data: bytes, mime: str) -> str:
    ref = "upload-" + secrets.token_urlsafe(16)
    with _lock:
        _staged[ref] = (data, mime)
    return ref


def unstage(ref: str) -> None:
    with _lock:
        _staged.pop(ref, None)


def staged(ref: str, limit: int) -> tuple[bytes, str]:
    """The content of an upload during its turn (the web channel's `fetch_media`)."""
    with _lock:
        found = _staged.get(ref)
    if found is None:
        raise MediaUnavailable("no such upload (its turn is over)")
    if len(found[0]) > limit:
        raise MediaTooLarge(len(found[0]))
    return found


def kind_of(mime: str) -> str:
    head = mime.split("/")[0]
    return head if head in ("image", "video", "audio") else "file"


def coordinate(data: dict, key: str, bound: float) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or abs(value) > bound:
        raise ValueError(key)
    return float(value)


def add_routes(bp: Blueprint, bot, services, *, visitor_of_token: Callable[[str], str | None], token_header: str,
               answer: Callable, shown: Callable[[dict], dict]) -> None:
    """The two endpoints on the web chat's blueprint: `answer(user_id, replies=...)` is its JSON answer,
    `shown(reply)` a reply as the page renders it."""
    content = services.content

    def error(key: str, status: int, **values) -> HttpError:
        return HttpError(status, content.say(key, "th", **values), error_en=content.say(key, "en", **values))

    def token_visitor() -> str:
        if "user_id" in request.args:
            raise error("webchat_error_user_id", 400)
        token = request.headers.get(token_header, "")
        if not token:
            raise error("webchat_error_no_token", 401)
        user_id = visitor_of_token(token)
        if user_id is None:
            raise error("webchat_error_bad_token", 403)
        return user_id

    def turn(user_id: str, said: str, message: Incoming):
        replies = [shown(reply_to_dict(r)) for r in bot.respond(message).replies]
        web_history.record(services, user_id, said, replies)
        return answer(user_id, replies=replies)

    def received_file(accepts: web_hooks.Accepts):
        """The one file of the form, read up to the limit; 4xx for a missing, empty, oversized or odd one."""
        cap = accepts.max_bytes + FORM_OVERHEAD
        if request.content_length is not None and request.content_length > cap:
            raise HttpError(413, accepts.too_big)
        request.max_content_length = cap  # a body without a length is cut off here as well
        try:
            if "user_id" in request.form:
                raise error("webchat_error_user_id", 400)
            upload = request.files.get("file")
            data = upload.stream.read(accepts.max_bytes + 1) if upload is not None else b""
        except RequestEntityTooLarge:
            raise HttpError(413, accepts.too_big) from None
        except (HTTPException, ValueError, OSError):
            raise error("webchat_error_no_file", 400) from None
        if len(data) > accepts.max_bytes:
            raise HttpError(413, accepts.too_big)
        if not data:
            raise error("webchat_error_no_file", 400)
        return data, upload.mimetype or ""

    @bp.context_processor
    def upload_limits():
        """The page refuses a file over the limit before sending it, with the same text the server gives."""
        accepts = web_hooks.accepts(services)
        return {"uploads": {"maxBytes": accepts.max_bytes, "tooBig": accepts.too_big} if accepts else None}

    @bp.post("/api/chat/upload")
    def upload():
        user_id = token_visitor()
        accepts = web_hooks.accepts(services)
        if accepts is None:
            raise error("webchat_error_no_uploads", 404)
        data, declared = received_file(accepts)
        mime = accepts.type_of(data, declared)
        if mime is None:
            raise HttpError(415, accepts.bad_type)
        ref = stage(data, mime)
        try:
            kind = kind_of(mime)
            said = content.say("webchat_sent_photo" if kind == "image" else "webchat_sent_file")
            return turn(user_id, said, Incoming("web", user_id, media=Media(kind, ref, size=len(data), mime=mime)))
        finally:
            unstage(ref)

    @bp.post("/api/chat/location")
    def location():
        user_id = token_visitor()
        try:
            data = parse_json(read_body())
        except HttpError as exc:
            if exc.status != 400:
                raise
            raise error("webchat_error_location", 400) from None
        if isinstance(data, dict) and "user_id" in data:
            raise error("webchat_error_user_id", 400)
        try:
            if not isinstance(data, dict):
                raise ValueError("not an object")
            where = Location(coordinate(data, "latitude", 90), coordinate(data, "longitude", 180),
                             title=content.say("webchat_location_title"))
        except ValueError:
            raise error("webchat_error_location", 400) from None
        return turn(user_id, content.say("webchat_sent_location"), Incoming("web", user_id, location=where))

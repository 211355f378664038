"""Messenger webhook entries turned into `Incoming` messages for the core, answered through the Send API.
No HTTP here (see facebook.py)."""
from __future__ import annotations

import logging
from typing import Iterator

from bot.core.messages import Incoming, Location, Media

from . import audience, events
from .facebook_render import render_payloads
from .platforms import DeliveryError, FacebookSendApi

log = logging.getLogger(__name__)
CHANNEL = "facebook"
MEDIA_KINDS = {"image": "image", "video": "video", "audio": "audio", "file": "file"}


def messaging_items(payload: dict) -> Iterator[dict]:
    """Every `messaging` item of a page webhook (a delivery can batch several entries and items)."""
    if payload.get("object") != "page":
        return
    for entry in payload.get("entry") or []:
        if isinstance(entry, dict):
            yield from (item for item in entry.get("messaging") or [] if isinstance(item, dict))


def event_id(item: dict) -> str:
    """The message id (mid) identifies a message or postback across redeliveries."""
    for key in ("message", "postback"):
        mid = (item.get(key) or {}).get("mid")
        if mid:
            return str(mid)
    sender = (item.get("sender") or {}).get("id", "")
    kind = "message" if "message" in item else "postback"
    return f"{sender}:{item.get('timestamp', '')}:{kind}" if sender and item.get("timestamp") else ""


def attachment_of(message: dict) -> tuple[Media | None, Location | None]:
    for att in message.get("attachments") or []:
        payload = att.get("payload") or {}
        kind = att.get("type")
        if kind in MEDIA_KINDS and payload.get("url"):
            return Media(MEDIA_KINDS[kind], str(payload["url"]), name=str(payload.get("title") or "")), None
        if kind == "location" and isinstance(payload.get("coordinates"), dict):
            c = payload["coordinates"]
            try:
                return None, Location(float(c["lat"]), float(c["long"]), str(att.get("title") or ""))
            except (KeyError, TypeError, ValueError):
                continue
    return None, None


def incoming_from(item: dict) -> Incoming | None:
    """The core's view of one messaging item, or None for echoes, receipts, reactions and the like."""
    sender = str((item.get("sender") or {}).get("id") or "")
    if not sender:
        return None
    if isinstance(item.get("postback"), dict):
        return Incoming(CHANNEL, sender, postback=str(item["postback"].get("payload") or ""),
                        text=str(item["postback"].get("title") or ""))
    message = item.get("message")
    if not isinstance(message, dict) or message.get("is_echo"):
        return None
    quick = (message.get("quick_reply") or {}).get("payload")
    media, location = attachment_of(message)
    text = str(message.get("text") or "")
    if not (text or quick or media or location):
        return None
    return Incoming(CHANNEL, sender, text=text, postback=str(quick or ""), media=media, location=location)


class FacebookEvents:
    def __init__(self, bot, services, send_api: FacebookSendApi):
        self.bot = bot
        self.services = services
        self.send_api = send_api

    def handle(self, item: dict) -> None:
        incoming = incoming_from(item)
        if incoming is None:
            return
        key = event_id(item)
        if not events.claim(self.services, CHANNEL, key):
            return
        try:
            audience.messaged(self.services, CHANNEL, incoming.user_id)
            replies = self.bot.respond(incoming).replies
            for payload in render_payloads(incoming.user_id, replies, messaging_type="RESPONSE"):
                self.send_api.send(payload)
        except DeliveryError as exc:
            log.error("Messenger answer not delivered: %s", exc)  # the key may hold the sender's id
        except Exception:
            events.release(self.services, CHANNEL, key)
            raise

"""Messenger webhook entries turned into `Incoming` messages for the core, answered through the Send API.
No HTTP here (see facebook.py)."""
from __future__ import annotations

import logging
from typing import Iterator

from bot.core.messages import Incoming, Location, Media

from . import answers, audience
from .usable_input import event_problem

log = logging.getLogger(__name__)
CHANNEL = "facebook"
MEDIA_KINDS = {"image": "image", "video": "video", "audio": "audio", "file": "file"}
# The ids an item's handling stores (its claim, the user's state and follower row).
IDS = (("sender", "id"), ("recipient", "id"), ("message", "mid"), ("postback", "mid"))


def _list(value) -> list:
    """A list the body promised, or nothing: a signed but malformed body is ignored, never a 500."""
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def messaging_items(payload: dict) -> Iterator[dict]:
    """Every `messaging` item of a page webhook (a delivery can batch several entries and items)."""
    if payload.get("object") != "page":
        return
    for entry in _list(payload.get("entry")):
        if isinstance(entry, dict):
            yield from (item for item in _list(entry.get("messaging")) if isinstance(item, dict))


def event_id(item: dict) -> str:
    """The message id (mid) identifies a message or postback across redeliveries."""
    for key in ("message", "postback"):
        mid = _dict(item.get(key)).get("mid")
        if mid and isinstance(mid, (str, int)):
            return str(mid)
    sender = _dict(item.get("sender")).get("id", "")
    kind = "message" if "message" in item else "postback"
    return f"{sender}:{item.get('timestamp', '')}:{kind}" if sender and item.get("timestamp") else ""


def attachment_of(message: dict) -> tuple[Media | None, Location | None]:
    for att in _list(message.get("attachments")):
        if not isinstance(att, dict):
            continue
        payload = _dict(att.get("payload"))
        kind = att.get("type")
        if not isinstance(kind, str):
            continue
        if kind in MEDIA_KINDS and isinstance(payload.get("url"), str) and payload["url"]:
            return Media(MEDIA_KINDS[kind], str(payload["url"]), name=_str(payload.get("title"))), None
        if kind == "location" and isinstance(payload.get("coordinates"), dict):
            c = payload["coordinates"]
            try:
                return None, Location(float(c["lat"]), float(c["long"]), _str(att.get("title")))
            except (KeyError, TypeError, ValueError):
                continue
    return None, None


def incoming_from(item: dict) -> Incoming | None:
    """The core's view of one messaging item, or None for echoes, receipts, reactions and the like."""
    sender = _dict(item.get("sender")).get("id")
    if not isinstance(sender, (str, int)) or isinstance(sender, bool) or not str(sender):
        return None
    sender = str(sender)
    if isinstance(item.get("postback"), dict):
        return Incoming(CHANNEL, sender, postback=_str(item["postback"].get("payload")),
                        text=_str(item["postback"].get("title")))
    message = item.get("message")
    if not isinstance(message, dict) or message.get("is_echo"):
        return None
    quick = _str(_dict(message.get("quick_reply")).get("payload"))
    media, location = attachment_of(message)
    text = _str(message.get("text"))
    if not (text or quick or media or location):
        return None
    return Incoming(CHANNEL, sender, text=text, postback=str(quick or ""), media=media, location=location)


class FacebookEvents:
    def __init__(self, bot, services, channel):
        self.bot = bot
        self.services = services
        self.channel = channel  # the channel these events came in on: answers go out on it

    def handle(self, item: dict) -> None:
        """One messaging item; one that cannot be stored (see usable_input) is logged by kind and skipped:
        Meta wants its 200 for the whole delivery."""
        problem = event_problem(item, IDS)
        if problem is not None:
            kinds = sorted(k for k in ("message", "postback", "read", "delivery", "reaction") if k in item)
            log.info("Messenger item (%s) ignored: %s", ",".join(kinds) or "unknown", problem)
            return
        incoming = incoming_from(item)
        if incoming is None:
            return
        key = event_id(item)
        owed = answers.Owed(self.services, CHANNEL, key, incoming.user_id,
                            lambda replies: self.channel.render(replies, incoming.user_id))
        touch = audience.touch(self.services, CHANNEL, incoming.user_id)
        if touch is not None:
            owed.writes.append(touch)  # in the turn's transaction, with the answer
        answers.handle_once(self.services, CHANNEL, key,  # (for another delivery's event nothing is stored)
                            lambda claim: self.bot.respond(incoming, record=owed.record, claim=claim))
        self.deliver(owed)

    def deliver(self, owed: answers.Owed) -> None:
        owed.deliver(self.channel)

"""LINE webhook events turned into actions: messages and postbacks go to the core as an `Incoming`,
follow/unfollow and join/leave keep the audience tables current. No HTTP here (see line.py)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Callable

from bot.core.messages import Incoming, Location, Media
from bot.core.state import TurnClaim, TurnWrite

from . import answers, audience, fixed_replies
from .usable_input import event_problem

log = logging.getLogger(__name__)
CHANNEL = "line"
# Events older than this (by their `timestamp`) are not answered: a captured, signed body replayed after
# the seen-id table was purged must not act again. LINE redelivers within minutes.
MAX_EVENT_AGE_SECONDS = 3 * 3600
# The ids an event's handling stores (its claim, the reply token, the user's state and follower row).
IDS = (("webhookEventId",), ("replyToken",), ("source", "userId"), ("source", "groupId"), ("source", "roomId"),
       ("message", "id"))


def sdk():
    """line-bot-sdk's webhook models (~20 MB a worker), imported on the first event the plain-text fast path
    does not take (a follow, a sticker, a group message...), not when the worker starts."""
    from linebot.v3 import webhooks

    return webhooks


def chat_id(source) -> str:
    """Where answers go: the user for one-to-one chats, else the group or room."""
    if isinstance(source, TextFromUser):
        return source.user_id
    m = sdk()
    if isinstance(source, m.GroupSource):
        return source.group_id
    if isinstance(source, m.RoomSource):
        return source.room_id
    return getattr(source, "user_id", "") or ""


def mentions_bot(message) -> bool:
    mentionees = message.mention.mentionees if message.mention else []
    return any(isinstance(m, sdk().UserMentionee) and m.is_self for m in mentionees)


def without_mentions(message) -> str:
    """The text with the @mentions cut out, so "@bot เบอร์โทร" is understood as "เบอร์โทร"."""
    text = message.text
    for m in sorted(message.mention.mentionees if message.mention else [], key=lambda m: m.index, reverse=True):
        text = text[:m.index] + text[m.index + m.length:]
    return " ".join(text.split())


def incoming_from_message(user: str, message) -> Incoming | None:
    """The core's view of a LINE message; media refs are LINE message ids (content via the data API)."""
    m = sdk()
    if isinstance(message, m.TextMessageContent):
        return Incoming(CHANNEL, user, text=message.text)
    if isinstance(message, m.ImageMessageContent):
        return Incoming(CHANNEL, user, media=Media("image", message.id))
    if isinstance(message, m.VideoMessageContent):
        return Incoming(CHANNEL, user, media=Media("video", message.id))
    if isinstance(message, m.AudioMessageContent):
        return Incoming(CHANNEL, user, media=Media("audio", message.id))
    if isinstance(message, m.FileMessageContent):
        return Incoming(CHANNEL, user, media=Media("file", message.id, name=message.file_name,
                                                   size=message.file_size))
    if isinstance(message, m.StickerMessageContent):
        return Incoming(CHANNEL, user, media=Media("sticker", message.id,
                                                   name=f"{message.package_id}/{message.sticker_id}"))
    if isinstance(message, m.LocationMessageContent):
        return Incoming(CHANNEL, user, location=Location(message.latitude, message.longitude,
                                                         message.title or "", message.address or ""))
    return None


def too_old(raw: dict, now: float | None = None) -> bool:
    stamp = raw.get("timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, (int, float)):
        return True  # every real event carries its time
    return stamp / 1000 < (now or time.time()) - MAX_EVENT_AGE_SECONDS


EVENT_KEYS = {"type", "source", "timestamp", "mode", "webhookEventId", "deliveryContext", "replyToken", "message"}
TEXT_KEYS = {"type", "id", "text", "quoteToken", "quotedMessageId", "markAsReadToken"}


@dataclass(frozen=True)
class TextFromUser:
    """A one-to-one text message event read straight from the webhook's dict: most events are these, and
    the SDK's pydantic models cost more to build than the rest of the turn's parsing."""

    webhook_event_id: str
    reply_token: str | None
    mode: str
    user_id: str
    text: str
    type: str = "message"
    read_token: str = ""

    @property
    def source(self) -> "TextFromUser":  # chat_id() reads `user_id` off the source
        return self


def _strs(d: dict, *keys: str) -> bool:
    return all(isinstance(d.get(k), str) for k in keys)


def plain_text(raw: dict) -> TextFromUser | None:
    """The event, if it is a text from one user that the SDK's models would accept as it is (every field
    they require, of their strict types, and nothing they would read further); None sends it the SDK's way."""
    source, message, context = raw.get("source"), raw.get("message"), raw.get("deliveryContext")
    if not (raw.keys() <= EVENT_KEYS and raw.get("type") == "message" and raw.get("mode") in ("active", "standby")
            and type(raw.get("timestamp")) is int and _strs(raw, "webhookEventId")
            and isinstance(raw.get("replyToken", ""), str)
            and isinstance(context, dict) and context.keys() == {"isRedelivery"}
            and isinstance(context["isRedelivery"], bool)
            and isinstance(source, dict) and source.keys() == {"type", "userId"} and source["type"] == "user"
            and isinstance(source["userId"], str) and source["userId"]
            and isinstance(message, dict) and message.keys() <= TEXT_KEYS and message.get("type") == "text"
            and _strs(message, "id", "text", "quoteToken")
            and all(isinstance(message[k], str) for k in message.keys() & {"quotedMessageId", "markAsReadToken"})):
        return None
    return TextFromUser(raw["webhookEventId"], raw.get("replyToken"), raw["mode"], source["userId"], message["text"],
                        read_token=message.get("markAsReadToken", ""))


# LINE's event types (Messaging API reference); a log line names one of these or "unknown", never what
# else a body held there.
EVENT_TYPES = frozenset({"message", "postback", "follow", "unfollow", "join", "leave", "memberJoined", "memberLeft",
                         "beacon", "accountLink", "things", "unsend", "videoPlayComplete", "activated",
                         "deactivated", "botSuspended", "botResumed", "membership", "module"})


def event_type(raw: dict) -> str:
    """The event's type for a log line."""
    kind = raw.get("type")
    return kind if isinstance(kind, str) and kind in EVENT_TYPES else "unknown"


def addressed(event) -> bool:
    """The event names the chat it came from (the SDK lets a source, and its ids, be absent), and a follow
    or unfollow names its user."""
    if type(event) is TextFromUser:
        return True
    source = getattr(event, "source", None)
    if source is None or not chat_id(source):
        return False
    return event.type not in ("follow", "unfollow") or bool(getattr(source, "user_id", None))


def standby(event) -> bool:
    return getattr(event, "mode", "active") == "standby"


class LineEvents:
    """Handles one parsed webhook body's events, each once (by webhookEventId), answers never lost."""

    def __init__(self, bot, services, channel):
        self.bot = bot
        self.services = services
        self.channel = channel  # the channel these events came in on: answers go out on it
        self.content = services.content
        self._handlers: dict[type, Callable] | None = None

    @property
    def handlers(self) -> dict[type, Callable]:
        """Handler by event class; built on the first event that needs the SDK's models."""
        if self._handlers is None:
            m = sdk()
            self._handlers = {
                m.MessageEvent: self.on_message, m.PostbackEvent: self.on_postback,
                m.FollowEvent: self.on_follow, m.UnfollowEvent: self.on_unfollow, m.JoinEvent: self.on_join,
                m.LeaveEvent: self.on_leave,
            }
        return self._handlers

    def handler_for(self, event) -> Callable | None:
        if type(event) is TextFromUser:
            return self.on_text_from_user
        return self.handlers.get(type(event))

    def handle(self, raw: dict) -> None:
        """Handle one event dict from the webhook body; unknown, malformed or unstorable events are logged and
        skipped (LINE wants its 200 for the batch all the same)."""
        problem = event_problem(raw, IDS)
        if problem is not None:
            log.info("LINE event of type %s ignored: %s", event_type(raw), problem)
            return
        try:
            event = plain_text(raw) or sdk().Event.from_dict(raw)
        except Exception as exc:  # the SDK's models raise all kinds on a malformed event (no type, wrong types)
            log.info("LINE event of type %s ignored: %s", event_type(raw),
                     type(exc).__name__)  # the message would quote the event, user id included
            return
        handler = self.handler_for(event)
        if handler is None:
            log.debug("LINE event of type %s ignored", event_type(raw))
            return
        if not addressed(event):
            log.info("LINE event of type %s ignored: no user, group or room to answer", event_type(raw))
            return
        if too_old(raw):
            log.warning("LINE %s event older than %s h ignored (replay?)", event.type, MAX_EVENT_AGE_SECONDS // 3600)
            return
        event_id = str(event.webhook_event_id or "")
        if handler == self.on_text_from_user and not standby(event):  # nearly every event: claimed in its turn
            answers.handle_once(self.services, CHANNEL, event_id, lambda claim: self.on_text_from_user(event, claim))
        elif answers.begin(self.services, CHANNEL, event_id):
            answers.handled(self.services, CHANNEL, event_id, lambda: handler(event))

    def owed(self, event) -> answers.Owed:
        return answers.Owed(self.services, CHANNEL, str(event.webhook_event_id or ""), chat_id(event.source),
                            self.channel.render, getattr(event, "reply_token", None))

    def respond(self, event, incoming: Incoming, touch: TurnWrite | None = None,
                claim: TurnClaim | None = None) -> None:
        """A conversation turn; its answer is stored with the turn's state (and the follower's `touch`),
        then delivered. `claim` is the event's claim, when the turn makes it. In standby mode another
        module answers this chat: the bot neither answers nor lets the message move a flow or count as a
        rating, so it only notes the event as handled."""
        owed = self.owed(event)
        if touch is not None:
            owed.writes.append(touch)
        if standby(event):
            owed.store_alone([])
            return
        self.bot.respond(incoming, record=owed.record, claim=claim)
        self.deliver(event, owed)

    def answer(self, event, replies) -> None:
        """An answer outside a conversation turn (welcome, hello)."""
        owed = self.owed(event)
        owed.store_alone([] if standby(event) else replies)
        self.deliver(event, owed)

    def deliver(self, event, owed: answers.Owed) -> None:
        owed.deliver(self.channel)

    def on_message(self, event) -> None:
        m = sdk()
        source, message = event.source, event.message
        if isinstance(source, (m.GroupSource, m.RoomSource)):
            audience.joined_group(self.services, CHANNEL, chat_id(source), source.type)
            if not (isinstance(message, m.TextMessageContent) and mentions_bot(message)):
                return  # in a group the bot speaks only when spoken to
            incoming = Incoming(CHANNEL, chat_id(source), text=without_mentions(message), group=True)
            self.respond(event, incoming)
            return
        user = source.user_id if isinstance(source, m.UserSource) and source.user_id else None
        incoming = incoming_from_message(chat_id(source), message)
        if incoming is None:
            if user:
                audience.messaged(self.services, CHANNEL, user)
            log.info("LINE message of type %s ignored", message.type)
            return
        incoming = replace(incoming, read_token=getattr(message, "mark_as_read_token", None) or "")
        self.respond(event, incoming, audience.touch(self.services, CHANNEL, user) if user else None)

    def on_text_from_user(self, event: TextFromUser, claim: TurnClaim | None = None) -> None:
        """What on_message does for a text in a one-to-one chat."""
        self.respond(event, Incoming(CHANNEL, event.user_id, text=event.text, read_token=event.read_token),
                     audience.touch(self.services, CHANNEL, event.user_id), claim)

    def on_postback(self, event) -> None:
        touch = audience.touch(self.services, CHANNEL, event.source.user_id) \
            if isinstance(event.source, sdk().UserSource) and event.source.user_id else None
        incoming = Incoming(CHANNEL, chat_id(event.source), postback=event.postback.data)
        self.respond(event, incoming, touch)

    def on_follow(self, event) -> None:
        audience.followed(self.services, CHANNEL, event.source.user_id)
        unblocked = bool(event.follow and event.follow.is_unblocked)
        key = "line_welcome_back" if unblocked else "line_welcome"
        self.answer(event, fixed_replies.say(self.content, key, with_menu=True))

    def on_unfollow(self, event) -> None:
        audience.unfollowed(self.services, CHANNEL, event.source.user_id)

    def on_join(self, event) -> None:
        audience.joined_group(self.services, CHANNEL, chat_id(event.source), event.source.type)
        self.answer(event, fixed_replies.say(self.content, "line_join_hello"))

    def on_leave(self, event) -> None:
        audience.left_group(self.services, CHANNEL, chat_id(event.source), event.source.type)

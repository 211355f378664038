"""An announcement as followers see it, rendered by each channel's own renderer (the one that renders
answers and pushes): on LINE a Flex bubble with the alt text shown in notifications and chat lists, on
Messenger a generic template followed by the full text when it does not fit the card.

Plain JSON dicts, exactly what goes over the wire, so `broadcast preview` prints what will be sent and a
resumed send reuses the payload stored with the occurrence.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from bot.channels import registry
from bot.channels.line_render import LINE_BUBBLE_BYTES, announcement_alt_text
from bot.channels.text_split import clip

__all__ = ["LINE_BUBBLE_BYTES", "Announcement", "Sender", "alt_text", "bubble_bytes", "facebook_messages",
           "headline", "line_messages", "render", "sender_of"]


class Announcement(Protocol):
    title: str
    text: str
    image_url: str | None
    link_url: str | None


def headline(a: Announcement) -> str:
    """The title, or the first line of the text when staff gave none (for lists and news answers)."""
    if a.title.strip():
        return a.title.strip()
    return clip(a.text.strip().splitlines()[0] if a.text.strip() else "", 60)


@dataclass(frozen=True)
class Sender:
    """How an announcement is signed and its button worded (content/replies.yaml, so offices edit them)."""

    label: str
    read_more: str


def sender_of(content) -> Sender:
    return Sender(content.say("announcement_from"), content.say("announcement_read_more"))


def alt_text(a: Announcement) -> str:
    return announcement_alt_text(a.title.strip(), a.text.strip())


def line_messages(a: Announcement, office: Sender) -> list[dict]:
    return registry.channel_class("line").render_announcement(a, office)


def facebook_messages(a: Announcement, office: Sender) -> list[dict]:
    """The `message` objects of the Send API calls for one recipient, in order."""
    return registry.channel_class("facebook").render_announcement(a, office)


def bubble_bytes(messages: list[dict]) -> int:
    return max(len(json.dumps(m["contents"], ensure_ascii=False, separators=(",", ":")).encode())
               for m in messages)


def render(a: Announcement, office: Sender, channels: list[str]) -> dict:
    """Per channel, the messages every follower on it receives."""
    return {name: registry.channel_class(name).render_announcement(a, office)
            for name in registry.names() if name in channels}

"""An announcement as followers see it: a LINE Flex bubble (with the alt text shown in notifications and
chat lists) and a Messenger generic template (followed by the full text when it does not fit the card).

Plain JSON dicts, exactly what goes over the wire, so `broadcast preview` prints what will be sent and a
resumed send reuses the payload stored with the occurrence.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from bot.channels.text_split import clip

# LINE: alt text up to 1500 characters (we keep notifications short), a bubble's JSON up to 30 KB, URLs of
# images up to 2000 and of links up to 1000 characters. Messenger: template title and subtitle 80, button
# title 20, text 2000 characters.
ALT_TEXT_CHARS = 400
LINE_BUBBLE_BYTES = 30_000
FB_TITLE, FB_SUBTITLE, FB_TEXT = 80, 80, 2000
ACCENT = "#1E6FB8"


class Announcement(Protocol):
    title: str
    text: str
    image_url: str | None
    link_url: str | None


def _clip(text: str, limit: int) -> str:
    """Short fields on one line; longer ones (alt text) keep their line breaks."""
    return clip(text, limit, one_line=limit <= FB_SUBTITLE)


def headline(a: Announcement) -> str:
    """The title, or the first line of the text when staff gave none (for lists and news answers)."""
    if a.title.strip():
        return a.title.strip()
    return _clip(a.text.strip().splitlines()[0] if a.text.strip() else "", 60)


@dataclass(frozen=True)
class Sender:
    """How an announcement is signed and its button worded (content/replies.yaml, so offices edit them)."""

    label: str
    read_more: str


def sender_of(content) -> Sender:
    return Sender(content.say("announcement_from"), content.say("announcement_read_more"))


def alt_text(a: Announcement) -> str:
    parts = [a.title.strip(), a.text.strip()] if a.title.strip() else [a.text.strip()]
    return _clip("\n".join(parts), ALT_TEXT_CHARS)


def line_bubble(a: Announcement, office: Sender) -> dict:
    body: list[dict] = [{"type": "text", "text": office.label, "size": "xs", "color": ACCENT,
                         "weight": "bold"}]
    if a.title.strip():
        body.append({"type": "text", "text": a.title.strip(), "weight": "bold", "size": "lg", "wrap": True})
    body.append({"type": "text", "text": a.text.strip(), "size": "sm", "wrap": True, "color": "#333333"})
    bubble: dict = {"type": "bubble",
                    "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": body}}
    if a.image_url:
        hero = {"type": "image", "url": a.image_url, "size": "full", "aspectRatio": "20:13",
                "aspectMode": "cover"}
        if a.link_url:
            hero["action"] = {"type": "uri", "label": office.read_more, "uri": a.link_url}
        bubble["hero"] = hero
    if a.link_url:
        bubble["footer"] = {"type": "box", "layout": "vertical", "contents": [
            {"type": "button", "style": "primary", "color": ACCENT,
             "action": {"type": "uri", "label": office.read_more, "uri": a.link_url}}]}
    return bubble


def line_messages(a: Announcement, office: Sender) -> list[dict]:
    return [{"type": "flex", "altText": alt_text(a), "contents": line_bubble(a, office)}]


def bubble_bytes(messages: list[dict]) -> int:
    return max(len(json.dumps(m["contents"], ensure_ascii=False, separators=(",", ":")).encode())
               for m in messages)


def facebook_messages(a: Announcement, office: Sender) -> list[dict]:
    """The `message` objects of the Send API calls for one recipient, in order."""
    text = a.text.strip()
    short = len(" ".join(text.split())) <= FB_SUBTITLE
    element: dict = {"title": _clip(a.title, FB_TITLE) if a.title.strip() else office.label,
                     "subtitle": _clip(text, FB_SUBTITLE) if short else office.label}
    if a.image_url:
        element["image_url"] = a.image_url
    if a.link_url:
        element["default_action"] = {"type": "web_url", "url": a.link_url}
        element["buttons"] = [{"type": "web_url", "url": a.link_url, "title": office.read_more}]
    messages = [{"attachment": {"type": "template",
                                "payload": {"template_type": "generic", "elements": [element]}}}]
    if not short:
        messages += [{"text": text[i:i + FB_TEXT]} for i in range(0, len(text), FB_TEXT)]
    return messages


def render(a: Announcement, office: Sender, channels: list[str]) -> dict:
    """Per channel, the messages every follower on it receives."""
    out: dict = {}
    if "line" in channels:
        out["line"] = line_messages(a, office)
    if "facebook" in channels:
        out["facebook"] = facebook_messages(a, office)
    return out

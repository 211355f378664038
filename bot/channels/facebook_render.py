"""Replies rendered as Messenger Send API payloads: texts split at 2000 characters, at most 13 quick
replies (titles ≤ 20 characters) on the last message of a reply, cards as a generic template followed by
the rest of their text (a template holds only 80 + 80 characters, and nothing may be lost; a title the
template shows whole is not repeated)."""
from __future__ import annotations

from typing import Sequence

from bot.core.messages import Card, Image, Reply, display_text, visible_text

from .text_split import clip, split_text

MAX_TEXT, MAX_QUICK, MAX_QUICK_TITLE, MAX_TITLE, MAX_SUBTITLE = 2000, 13, 20, 80, 80


def quick_replies(reply: Reply) -> list[dict]:
    return [{"content_type": "text", "title": clip(q.label, MAX_QUICK_TITLE), "payload": q.text[:1000]}
            for q in reply.quick_replies[:MAX_QUICK]]


def card_subtitle(card: Card) -> str:
    """The main figures — the emphasized rows ("คะแนนรวม: 93.23 · ระดับ: A") — else the card's own
    subtitle, else its first rows; the full text follows the template anyway."""
    def shown(rows) -> str:
        return " · ".join(f"{r.label}: {r.value}" if r.label else r.value for r in rows)

    main = [r for r in card.rows if r.emphasis]
    return clip(shown(main) or card.subtitle or shown(card.rows) or card.alt_text, MAX_SUBTITLE)


def generic_template(card: Card) -> dict:
    element: dict = {"title": clip(card.title, MAX_TITLE), "subtitle": card_subtitle(card)}
    if card.link_url.startswith(("https://", "http://")):
        element["buttons"] = [{"type": "web_url", "url": card.link_url,
                               "title": clip(card.link_label or card.title, MAX_QUICK_TITLE)}]
    return {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": [element]}}}


def card_rest(card: Card) -> str:
    """What follows the template: everything the card shows, but its title when the template had room."""
    labels = {q.label for q in card.quick_replies}
    parts = [p for p in visible_text(card) if p not in labels]
    if len(" ".join(card.title.split())) <= MAX_TITLE:
        parts = parts[1:]
    return "\n".join(parts)


def render_messages(reply: Reply) -> list[dict]:
    """The Send API `message` objects for one reply; quick replies ride on the last one."""
    messages: list[dict] = []
    if isinstance(reply, Card):
        messages.append(generic_template(reply))
    if isinstance(reply, Image) and reply.url.startswith("https://"):
        messages.append({"attachment": {"type": "image", "payload": {"url": reply.url, "is_reusable": True}}})
        if reply.alt_text:
            messages.append({"text": clip(reply.alt_text, MAX_TEXT)})
    else:
        text = card_rest(reply) if isinstance(reply, Card) else display_text(reply)
        messages += [{"text": chunk} for chunk in split_text(text, MAX_TEXT) if chunk]
    if not messages:
        messages.append({"text": " "})
    if reply.quick_replies:
        messages[-1]["quick_replies"] = quick_replies(reply)
    return messages


def render_payloads(recipient: str, replies: Sequence[Reply], messaging_type: str = "RESPONSE",
                    tag: str | None = None) -> list[dict]:
    """Send API request bodies, in order; RESPONSE answers a message, MESSAGE_TAG + tag sends later."""
    payloads = []
    for reply in replies:
        for message in render_messages(reply):
            payload = {"recipient": {"id": recipient}, "messaging_type": messaging_type, "message": message}
            if tag:
                payload["tag"] = tag
            payloads.append(payload)
    return payloads


def announcement_messages(title: str, text: str, signed: str, image_url: str | None, link_url: str | None,
                          read_more: str) -> list[dict]:
    """An announcement's `message` objects for one recipient, in order: a generic template (its text as
    the subtitle when it fits, else who sends it), then the full text when it did not fit."""
    text = text.strip()
    short = len(" ".join(text.split())) <= MAX_SUBTITLE
    element: dict = {"title": clip(title, MAX_TITLE) if title.strip() else signed,
                     "subtitle": clip(text, MAX_SUBTITLE) if short else signed}
    if image_url:
        element["image_url"] = image_url
    if link_url:
        element["default_action"] = {"type": "web_url", "url": link_url}
        element["buttons"] = [{"type": "web_url", "url": link_url, "title": read_more}]
    messages: list[dict] = [{"attachment": {"type": "template",
                                            "payload": {"template_type": "generic", "elements": [element]}}}]
    if not short:
        messages += [{"text": text[i:i + MAX_TEXT]} for i in range(0, len(text), MAX_TEXT)]
    return messages

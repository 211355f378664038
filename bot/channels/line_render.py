"""Replies and announcements rendered as LINE message JSON, within LINE's limits (5 messages a call, 5000
characters a text, 13 quick replies, 400 characters of alt text). Cards and announcements become Flex
bubbles in one palette. The webhook reply, pushes, staff alerts and broadcasts all use this module.

Plain dicts, exactly what goes over the wire, with keys in the order line-bot-sdk's models serialise them
(tests/test_line_wire.py compares the bytes): building the SDK's pydantic models and turning them back
into JSON cost more than the rest of a reply's rendering.
"""
from __future__ import annotations

from typing import Sequence

from bot.core.messages import Card, Image, Reply, display_text

from .text_split import clip, split_text

MAX_MESSAGES, MAX_TEXT, MAX_QUICK, MAX_ALT_TEXT, MAX_LABEL = 5, 5000, 13, 400, 20
MUTED, ACCENT, INK = "#6B7280", "#1E5AA8", "#111827"


TEXT_KEYS = ("flex", "text", "size", "align", "color", "weight", "wrap", "margin")  # line-bot-sdk's order
BUTTON_KEYS = ("color", "style", "action", "margin", "height")


def ordered(kind: str, keys: tuple[str, ...], fields: dict) -> dict:
    return {"type": kind, **{k: fields[k] for k in keys if k in fields}}


def text(value: str, **style) -> dict:
    return ordered("text", TEXT_KEYS, {"text": value, **style})


def box(layout: str, contents: list, spacing: str | None = None) -> dict:
    out = {"type": "box", "layout": layout, "contents": contents}
    if spacing:
        out["spacing"] = spacing
    return out


def uri_action(label: str, uri: str) -> dict:
    return {"type": "uri", "label": label, "uri": uri}


def button(action: dict, **style) -> dict:
    return ordered("button", BUTTON_KEYS, {"action": action, **style})


def quick_reply(reply: Reply) -> dict | None:
    items = [{"action": {"type": "message", "label": clip(q.label, MAX_LABEL), "text": q.text[:300]},
              "type": "action"} for q in reply.quick_replies[:MAX_QUICK]]
    return {"items": items} if items else None


def message(kind: str, quick: dict | None, **fields) -> dict:
    """A message: its type, then its quick replies (the SDK puts the common fields first), then the rest."""
    return {"type": kind, **({"quickReply": quick} if quick else {}), **fields}


def _linkable(url: str) -> bool:
    return url.startswith(("https://", "http://", "tel:"))


def card_bubble(card: Card) -> dict:
    """Title and subtitle on top, label/value rows, then the footer note and an optional link button."""
    header = [text(card.title, size="lg", color=ACCENT, weight="bold", wrap=True)]
    if card.subtitle:
        header.append(text(card.subtitle, size="sm", color=MUTED, wrap=True))
    rows = []
    for row in card.rows:
        value = text(row.value or "-", flex=2, size="sm", align="end", color=INK,
                     weight="bold" if row.emphasis else "regular", wrap=True)
        if row.label:
            rows.append(box("horizontal", [text(row.label, flex=3, size="sm", color=MUTED, wrap=True), value], "md"))
        else:
            rows.append(text(row.value, size="sm", wrap=True))
    footer = []
    if card.footer:
        footer.append(text(card.footer, size="xs", color=MUTED, wrap=True))
    if card.link_url and _linkable(card.link_url):
        label = clip(card.link_label or card.link_url, MAX_LABEL)
        footer.append(button(uri_action(label, card.link_url[:1000]), color=ACCENT, style="primary",
                             margin="md", height="sm"))
    body_contents = rows or [text(card.alt_text or card.title, size="sm", wrap=True)]
    bubble = {"type": "bubble", "header": box("vertical", header, "xs"),
              "body": box("vertical", [{"type": "separator"}, *body_contents], "sm")}
    if footer:
        bubble["footer"] = box("vertical", footer, "sm")
    return bubble


def card_alt_text(card: Card) -> str:
    """What notifications and chat lists show; LINE allows 400 characters."""
    return clip((card.alt_text or card.title).strip() or card.title, MAX_ALT_TEXT, one_line=False)


def render_one(reply: Reply) -> list[dict]:
    quick = quick_reply(reply)
    if isinstance(reply, Card):
        return [message("flex", quick, altText=card_alt_text(reply), contents=card_bubble(reply))]
    if isinstance(reply, Image) and reply.url.startswith("https://"):
        return [message("image", quick, originalContentUrl=reply.url,
                        previewImageUrl=reply.preview_url or reply.url)]
    chunks = split_text(display_text(reply), MAX_TEXT)
    return [message("text", quick if n == len(chunks) - 1 else None, text=chunk) for n, chunk in enumerate(chunks)]


def render_messages(replies: Sequence[Reply]) -> list[list[dict]]:
    """Batches of at most 5 messages, in order (one reply call, or one push each)."""
    messages = [m for r in replies for m in render_one(r)]
    return [messages[i:i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)]


# Announcements: alt text up to 1500 characters (we keep notifications short, as for cards), a bubble's
# JSON up to 30 KB, image URLs up to 2000 and link URLs up to 1000 characters.
LINE_BUBBLE_BYTES = 30_000


def announcement_alt_text(title: str, body: str) -> str:
    parts = [title, body] if title else [body]
    return clip("\n".join(parts), MAX_ALT_TEXT, one_line=False)


def announcement_bubble(title: str, body: str, signed: str, image_url: str | None, link_url: str | None,
                        read_more: str) -> dict:
    """Who sends it (small, in the accent), the title, the text; a picture on top and a button below when
    the announcement has them. The same palette as the answers' cards."""
    contents = [text(signed, size="xs", color=ACCENT, weight="bold")]
    if title:
        contents.append(text(title, size="lg", weight="bold", wrap=True))
    contents.append(text(body, size="sm", color="#333333", wrap=True))
    bubble: dict = {"type": "bubble"}
    if image_url:
        hero = {"type": "image", "url": image_url, "size": "full", "aspectRatio": "20:13", "aspectMode": "cover"}
        if link_url:
            hero["action"] = uri_action(read_more, link_url)
        hero["animated"] = False  # the SDK's default, written out as the SDK does
        bubble["hero"] = hero
    bubble["body"] = box("vertical", contents, "md")
    if link_url:
        bubble["footer"] = box("vertical", [button(uri_action(read_more, link_url), color=ACCENT, style="primary")])
    return bubble


def announcement_messages(title: str, body: str, signed: str, image_url: str | None, link_url: str | None,
                          read_more: str) -> list[dict]:
    return [message("flex", None, altText=announcement_alt_text(title, body),
                    contents=announcement_bubble(title, body, signed, image_url, link_url, read_more))]

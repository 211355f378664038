"""Replies rendered as LINE messages, within LINE's limits (5 messages a call, 5000 characters a text,
13 quick replies, 400 characters of alt text). Cards become Flex bubbles; both the webhook reply and
`outbound.push` use this, so a card looks the same whichever way it is sent."""
from __future__ import annotations

from typing import Sequence

from linebot.v3.messaging import (FlexBox, FlexBubble, FlexButton, FlexMessage, FlexSeparator, FlexText,
                                  ImageMessage, MessageAction, QuickReply, QuickReplyItem, TextMessage, URIAction)

from bot.core.messages import Card, Image, Reply, display_text

from .text_split import clip, split_text

MAX_MESSAGES, MAX_TEXT, MAX_QUICK, MAX_ALT_TEXT, MAX_LABEL = 5, 5000, 13, 400, 20
MUTED, ACCENT = "#6B7280", "#1E5AA8"


def quick_reply(reply: Reply) -> QuickReply | None:
    items = [QuickReplyItem(action=MessageAction(label=clip(q.label, MAX_LABEL), text=q.text[:300]))
             for q in reply.quick_replies[:MAX_QUICK]]
    return QuickReply(items=items) if items else None


def _linkable(url: str) -> bool:
    return url.startswith(("https://", "http://", "tel:"))


def card_bubble(card: Card) -> FlexBubble:
    """Title and subtitle on top, label/value rows, then the footer note and an optional link button."""
    header = [FlexText(text=card.title, weight="bold", size="lg", wrap=True, color=ACCENT)]
    if card.subtitle:
        header.append(FlexText(text=card.subtitle, size="sm", color=MUTED, wrap=True))
    rows = []
    for row in card.rows:
        value = FlexText(text=row.value or "-", size="sm", wrap=True, align="end", flex=2,
                         weight="bold" if row.emphasis else "regular", color="#111827")
        if row.label:
            rows.append(FlexBox(layout="horizontal", spacing="md", contents=[
                FlexText(text=row.label, size="sm", color=MUTED, wrap=True, flex=3), value]))
        else:
            rows.append(FlexText(text=row.value, size="sm", wrap=True))
    footer = []
    if card.footer:
        footer.append(FlexText(text=card.footer, size="xs", color=MUTED, wrap=True))
    if card.link_url and _linkable(card.link_url):
        label = clip(card.link_label or card.link_url, MAX_LABEL)
        footer.append(FlexButton(action=URIAction(label=label, uri=card.link_url[:1000]), style="primary",
                                 height="sm", color=ACCENT, margin="md"))
    body_contents = rows or [FlexText(text=card.alt_text or card.title, size="sm", wrap=True)]
    return FlexBubble(
        header=FlexBox(layout="vertical", spacing="xs", contents=header),
        body=FlexBox(layout="vertical", spacing="sm", contents=[FlexSeparator(), *body_contents]),
        footer=FlexBox(layout="vertical", spacing="sm", contents=footer) if footer else None,
    )


def card_alt_text(card: Card) -> str:
    """What notifications and chat lists show; LINE allows 400 characters."""
    return clip((card.alt_text or card.title).strip() or card.title, MAX_ALT_TEXT, one_line=False)


def render_one(reply: Reply) -> list:
    if isinstance(reply, Card):
        messages: list = [FlexMessage(alt_text=card_alt_text(reply), contents=card_bubble(reply))]
    elif isinstance(reply, Image) and reply.url.startswith("https://"):
        messages = [ImageMessage(original_content_url=reply.url,
                                 preview_image_url=reply.preview_url or reply.url)]
    else:
        messages = [TextMessage(text=chunk) for chunk in split_text(display_text(reply), MAX_TEXT)]
    messages[-1].quick_reply = quick_reply(reply)
    return messages


def render_messages(replies: Sequence[Reply]) -> list[list]:
    """Batches of at most 5 messages, in order (one reply call, or one push each)."""
    messages = [m for r in replies for m in render_one(r)]
    return [messages[i:i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)]

"""Replies rendered as LINE messages, within LINE's limits (5 messages a call, 5000 characters a text,
13 quick replies). Extended by the LINE channel with Flex cards."""
from __future__ import annotations

from typing import Sequence

from linebot.v3.messaging import MessageAction, QuickReply, QuickReplyItem, TextMessage

from bot.core.messages import Reply, visible_text

MAX_MESSAGES, MAX_TEXT, MAX_QUICK = 5, 5000, 13


def quick_reply(reply: Reply) -> QuickReply | None:
    items = [QuickReplyItem(action=MessageAction(label=q.label[:20], text=q.text[:300]))
             for q in reply.quick_replies[:MAX_QUICK]]
    return QuickReply(items=items) if items else None


def render_one(reply: Reply) -> list:
    text = "\n".join(p for p in visible_text(reply) if p not in {q.label for q in reply.quick_replies})
    chunks = [text[i:i + MAX_TEXT] for i in range(0, len(text), MAX_TEXT)] or [""]
    messages = [TextMessage(text=c) for c in chunks]
    messages[-1].quick_reply = quick_reply(reply)
    return messages


def render_messages(replies: Sequence[Reply]) -> list[list]:
    """Batches of at most 5 messages, in order."""
    messages = [m for r in replies for m in render_one(r)]
    return [messages[i:i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)]

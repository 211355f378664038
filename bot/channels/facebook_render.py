"""Replies rendered as Messenger Send API payloads (texts split at 2000 characters, 13 quick replies).
Extended by the Messenger channel with generic templates for cards."""
from __future__ import annotations

from typing import Sequence

from bot.core.messages import Reply, visible_text

MAX_TEXT, MAX_QUICK = 2000, 13


def render_payloads(recipient: str, replies: Sequence[Reply], messaging_type: str = "RESPONSE",
                    tag: str | None = None) -> list[dict]:
    payloads = []
    for reply in replies:
        labels = {q.label for q in reply.quick_replies}
        text = "\n".join(p for p in visible_text(reply) if p not in labels)
        chunks = [text[i:i + MAX_TEXT] for i in range(0, len(text), MAX_TEXT)] or [""]
        for n, chunk in enumerate(chunks):
            message: dict = {"text": chunk}
            if n == len(chunks) - 1 and reply.quick_replies:
                message["quick_replies"] = [{"content_type": "text", "title": q.label[:20], "payload": q.text}
                                            for q in reply.quick_replies[:MAX_QUICK]]
            payload = {"recipient": {"id": recipient}, "messaging_type": messaging_type, "message": message}
            if tag:
                payload["tag"] = tag
            payloads.append(payload)
    return payloads

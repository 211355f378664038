"""The satisfaction button under answers: for information handlers and channels, which need nothing else
of the feature."""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from bot.complaints import content as cc
from bot.core.conversation import Context
from bot.core.messages import QuickReply, Reply

if TYPE_CHECKING:
    from bot.services import Services

MAX_QUICK = 13


def offer(services: Services, replies: list[Reply], lang: str = "th") -> list[Reply]:
    """Add the "ประเมินความพึงพอใจ" button (in the conversation's language) to the last reply of an answer
    (for handlers and channels)."""
    if not replies:
        return replies
    label = cc.say(services, "btn_feedback", lang)
    last = replies[-1]
    if len(last.quick_replies) >= MAX_QUICK or any(q.text == label for q in last.quick_replies):
        return replies
    return replies[:-1] + [dataclasses.replace(last, quick_replies=last.quick_replies + (QuickReply(label, label),))]


def offer_in_conversation(ctx: Context, replies: list[Reply], ending: bool = False) -> list[Reply]:
    """The satisfaction button, but not under every answer: once, when the conversation has had a few
    information answers (`limits.feedback_offer_after`), and at its end (a thank-you); never again once the
    person has rated. Counts information answers in the conversation state."""
    state = ctx.state
    if not ending:
        state["answers"] = state.get("answers", 0) + 1
    if state.get("rated"):
        return replies
    after = cc.of(ctx.services).limits.feedback_offer_after
    if (ending and state.get("answers")) or (not ending and state["answers"] == after):
        return offer(ctx.services, replies, getattr(ctx, "lang", "th"))
    return replies

"""Small helpers shared by the answer handlers."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import QuickReply
from scoring.summary import fmt

__all__ = ["fmt", "quick", "menu"]


def quick(ctx: Context, key: str) -> tuple[QuickReply, ...]:
    """Quick replies from a `label|text` list in replies.yaml, in the user's language."""
    return ctx.services.content.quick_replies(key, ctx.lang)


def menu(ctx: Context) -> tuple[QuickReply, ...]:
    return quick(ctx, "menu")


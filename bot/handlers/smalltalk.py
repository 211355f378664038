"""Greeting, help, thanks and the fallback menu."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import QuickReply, Reply, Text


def menu(ctx: Context) -> tuple[QuickReply, ...]:
    items = ctx.services.content.replies.th.get("menu", [])
    return tuple(QuickReply(*item.split("|", 1)) for item in items)


def fallback(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("fallback"), menu(ctx))]


HANDLERS = {"fallback": fallback}

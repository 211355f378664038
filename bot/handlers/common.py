"""Small helpers shared by the answer handlers."""
from __future__ import annotations

from decimal import Decimal

from bot.core.conversation import Context
from bot.core.messages import QuickReply
from scoring.summary import fmt

__all__ = ["fmt", "quick", "menu", "thai_date", "num"]

THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]


def quick(ctx: Context, key: str) -> tuple[QuickReply, ...]:
    """Quick replies from a `label|text` list in replies.yaml, in the user's language."""
    return ctx.services.content.quick_replies(key, ctx.lang)


def menu(ctx: Context) -> tuple[QuickReply, ...]:
    return quick(ctx, "menu")


def thai_date(d) -> str:
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + 543}"


def num(value: Decimal) -> str:
    return fmt(value)

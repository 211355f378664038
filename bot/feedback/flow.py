"""The rating conversation: a rating from 1 to 5, then an optional praise, suggestion or comment.

The rating is saved the moment it is given, so leaving before the comment still counts it. Answers carry
no user id, like an EIT questionnaire.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.complaints import content as cc
from bot.complaints.content import buttons
from bot.complaints.content import say_in as say
from bot.core.conversation import Context, for_another_topic
from bot.core.messages import Reply, Text
from bot.core.thai import THAI_DIGITS

from .models import Feedback

if TYPE_CHECKING:
    from bot.services import Services

NAME = "feedback"
LONE_DIGIT = re.compile(r"(?<!\d)([1-5])(?!\d)")
# Intents that do not take a person out of the rating (as in the complaint flow, whose texts these share).
OWN_INTENTS = {"complaint", "feedback", "track", "fallback", "media"}


def rating_in(services: Services, text: str) -> int | None:
    """A rating typed or tapped: "5 มากที่สุด", "๔", "ให้ 3 คะแนน", "⭐⭐⭐⭐"."""
    t = (text or "").translate(THAI_DIGITS)
    for n in range(1, 6):
        if cc.squash(t) == cc.squash(cc.say(services, f"rating_{n}")):
            return n
    stars = t.count("⭐") or t.count("★")
    if 1 <= stars <= 5 and not t.replace("⭐", "").replace("★", "").strip():
        return stars
    digits = LONE_DIGIT.findall(t)
    return int(digits[0]) if len(digits) == 1 and len(t.strip()) <= 20 else None


class FeedbackFlow:
    name = NAME

    def start(self, ctx: Context) -> list[Reply]:
        topic = ctx.state.get("last_intent") if ctx.state.get("last_intent") != NAME else None
        ctx.start_flow(NAME, "rating", {"topic": topic})
        rating = rating_in(ctx.services, ctx.message.utterance)
        if rating:
            return self.rated(ctx, rating)
        return [Text(say(ctx, "ask_rating"), self.rating_buttons(ctx))]

    def rating_buttons(self, ctx: Context) -> tuple[...]:
        return buttons(ctx, *(f"rating_{n}" for n in range(5, 0, -1))) + buttons(ctx, "btn_cancel")

    def rated(self, ctx: Context, rating: int) -> list[Reply]:
        data = ctx.flow["data"]
        with ctx.services.db.session() as s:
            row = Feedback(rating=rating, channel=ctx.message.channel, topic=(data.get("topic") or None),
                           created_at=ctx.now)
            s.add(row)
            s.flush()
            data.update(id=row.id, rating=rating)
        ctx.state["rated"] = True
        ctx.goto("comment")
        return self.ask_comment(ctx)

    def ask_comment(self, ctx: Context) -> list[Reply]:
        return [Text(say(ctx, "ask_comment", rating=ctx.flow["data"]["rating"]),
                     buttons(ctx, "btn_praise", "btn_suggestion", "btn_no_comment"))]

    def step(self, ctx: Context) -> list[Reply] | None:
        content = cc.of(ctx.services)
        text = (ctx.message.utterance or "").strip()
        step = ctx.flow["step"]
        if content.is_word("cancel", text) or (step != "rating" and content.is_word("skip", text)):
            ended = "feedback_cancelled" if step == "rating" else "feedback_thanks"
            ctx.end_flow()
            return [Text(say(ctx, ended))]
        if step == "rating":
            rating = rating_in(ctx.services, text)
            if rating:
                return self.rated(ctx, rating)
            if for_another_topic(ctx.understood, OWN_INTENTS):
                ctx.end_flow()
                return None  # asked something else instead: answer that, no rating
            return [Text(say(ctx, "rating_unclear"), self.rating_buttons(ctx))]
        for kind in ("praise", "suggestion"):
            if content.is_word(kind, text):
                ctx.flow["data"]["kind"] = kind
                ctx.goto("comment_text")
                return [Text(say(ctx, "ask_comment_text", kind=say(ctx, f"btn_{kind}")),
                             buttons(ctx, "btn_no_comment"))]
        if not text:
            return self.ask_comment(ctx)
        limit = content.limits.comment_chars
        if len(text) > limit:
            return [Text(say(ctx, "comment_too_long", limit=limit), buttons(ctx, "btn_no_comment"))]
        data = ctx.flow["data"]
        with ctx.services.db.session() as s:
            row = s.get(Feedback, data["id"])
            row.comment, row.kind = text, data.get("kind", "comment")
        ctx.end_flow()
        return [Text(say(ctx, "feedback_thanks"))]

    def expired(self, ctx: Context, old: dict) -> list[Reply]:
        return []  # the rating is already saved; nothing was left unfinished that matters


FLOW = FeedbackFlow()

"""Where the office's answers meet the conversation (wired in bot/handlers/build_router): every turn
first picks up what staff changed; a message the bot is unsure of gets the office's own answer when
one matches; and one that still gets the fallback or an unsure guess is kept for staff to answer."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Reply, Text

from . import live, store

# How alike a message must be to an answer's question or one of its wordings (TF-IDF cosine, 0..1).
MATCHES_FROM = 0.55
# Below this confidence a guessed intent is unsure: the office's answers are tried first, and the
# question is kept for review when none matches.
UNSURE_BELOW = 0.6
# Intents about a person or a wrong they report: never answered from the office's list and never kept
# for review, however unsure the guess (a complaint recognised by its cue has the model's threshold as
# its confidence), and nothing said once a flow has started.
PERSONAL = ("complaint", "track", "feedback", "handoff")


def refresh(ctx: Context) -> None:
    """A `before` hook that never answers (None lets every message through)."""
    live.of(ctx.services).refresh()


def office_answer(ctx: Context) -> list[Reply] | None:
    text = ctx.message.utterance or ""
    if ctx.understood.coarse in PERSONAL:
        return None
    found = live.of(ctx.services).best(text) if text.strip() else None
    if found is None or found[1].score < MATCHES_FROM:
        return None
    return [Text(found[0].reply, ctx.services.content.quick_replies("menu", ctx.lang))]


def keep_unanswered(ctx: Context) -> None:
    text, now = ctx.message.utterance or "", ctx.now
    if text.strip() and not ctx.message.postback and ctx.understood.coarse not in PERSONAL and not ctx.flow:
        ctx.writes.append(lambda conn: store.record_unanswered(conn, text, now))

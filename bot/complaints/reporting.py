"""A reporter who asks how reporting works ("เขาจะรู้ไหมว่าเป็นเรา", "ใช้เวลากี่วัน", "ส่งรูปยังไง") or hesitates
("ไม่แจ้งดีกว่า กลัว"): answered from content (complaints.yaml `reporting`), inside a complaint without losing
the draft and outside one without opening a case. Someone afraid is told first what anonymity means here,
who reads the report and that they can stop, and is offered to continue or cancel."""
from __future__ import annotations

import re

from bot.core.conversation import Context
from bot.core.messages import Reply, Text

from . import content as cc
from .content import buttons
from .content import say_in as say

QUESTIONS = ("help.anonymity", "help.complaint_time", "help.complaint_readers", "help.complaint_evidence")
HESITANT = "help.hesitant"
MIN_CONFIDENCE = 0.5
# A message longer than this (spaces aside) is part of a story, even when it sounds like one of these.
STORY_CHARS = 50
PUNCTUATION = re.compile(r"[\s.,!?…'\"()/\-]+")


def asked(ctx: Context) -> str | None:
    """The reporting question or hesitation this message is (an intent of QUESTIONS or HESITANT), if any.
    A long message is a story; a fearful one that reports a wrong ("ลูกกลัวครูตี") is a detail."""
    u, text = ctx.understood, cc.squash(ctx.message.utterance or "")
    content = cc.of(ctx.services)
    if any(content.is_word(kind, text) for kind in cc.BUTTONS_OF):
        return None  # a button ("ไม่ระบุตัวตน", "Stay anonymous") answers the step; it asks nothing
    if u.intent not in QUESTIONS + (HESITANT,) or u.confidence < MIN_CONFIDENCE or len(text) > STORY_CHARS:
        return None
    if u.intent == HESITANT and u.entities.get("complaint") == "wrong":
        return None
    return u.intent


def units(ctx: Context) -> dict[str, str]:
    """The integrity unit's and the general desk's names, in the conversation's language."""
    content = cc.of(ctx.services)
    integrity = next((k for k, u in content.units.items() if u.integrity), next(iter(content.units)))
    desk = next((k for k, u in content.units.items() if not u.integrity), integrity)
    return {"integrity": content.unit_name(integrity, ctx.lang), "desk": content.unit_name(desk, ctx.lang)}


def answer_text(ctx: Context, intent: str) -> str:
    content = cc.of(ctx.services)
    limits = content.limits
    times = "\n".join(say(ctx, "process_time_row", category=content.label(c.id, ctx.lang), days=c.resolve_days)
                      for c in content.categories)
    return say(ctx, intent, times=times, max_files=limits.evidence_files, max_mb=limits.evidence_mb,
               types=", ".join(dict.fromkeys(limits.evidence_types.values())), **units(ctx))


def hesitation(ctx: Context) -> list[Reply]:
    """Inside a complaint: reassurance, and the choice to go on or to stop."""
    return [Text(answer_text(ctx, HESITANT), buttons(ctx, "btn_continue", "btn_cancel"))]


def restates(ctx: Context, text: str) -> bool:
    """Whether the message only says again that the person wants to report ("อยากแจ้งทุจริตค่ะ", "โกง"):
    nothing is left once the words of `restate` and the categories' labels and aliases are taken out."""
    content = cc.of(ctx.services)
    words = set(content.squashed_words("restate"))
    for c in content.categories:
        for name in (c.label, content.label(c.id, "en"), *c.aliases):
            words |= {cc.squash(name), *PUNCTUATION.split(name.lower())}
    pieces = [p for p in PUNCTUATION.split((text or "").lower()) if p]
    ordered = sorted(filter(None, words), key=len, reverse=True)
    return bool(pieces) and all(only_words(p, words, ordered) for p in pieces)


def only_words(piece: str, words: set[str], ordered: list[str]) -> bool:
    """An English word must be one of `words` itself; Thai, written without spaces, may be several."""
    if piece.isascii():
        return piece in words
    for word in ordered:
        piece = piece.replace(word, "")
    return not piece


def outside(ctx: Context) -> list[Reply]:
    """Outside a complaint: the answer, and the menu, whose complaint button starts one when they are ready
    (no case is opened)."""
    intent = ctx.understood.intent
    menu = ctx.services.content.quick_replies("menu", ctx.lang)
    return [Text(answer_text(ctx, "hesitant_outside" if intent == HESITANT else intent), menu)]

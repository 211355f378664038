"""Answers from the report's passages, with their source line, and the figures explained from `scoring/`.

Intents keep priority where they are confident; a message no intent is sure of goes through `fallback`,
which tries the report before showing the menu. Every figure here is computed by scoring/.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from decimal import Decimal

from bot import knowledge
from bot.core.conversation import Context, Handler
from bot.core.messages import QuickReply, Reply, Text
from scoring import check, what_if

from . import ita, smalltalk
from .common import fmt, menu, quick

# "ตัวชี้วัดที่ 7 ได้ 92", "ตัวที่ 8 = 95.5", "ข้อ 9 เป็น 90": several changes in one what-if question.
CHANGE = re.compile(r"(?:ตัวชี้วัดที่|ตัวชี้วัด|ตัวที่|indicator)\s*(\d{1,2})\s*(?:ได้|=|เป็น|เพิ่มเป็น|ขึ้นเป็น|is|to)?\s*"
                    r"(\d{1,3}(?:\.\d{1,2})?)(?![\d.])")


def kb_say(ctx: Context, kb: knowledge.Knowledge, key: str, **values: object) -> str:
    office = ctx.services.content.office
    return kb.text(key, ctx.lang).format(office=office.short_name, phone=office.phone, website=office.website,
                                         **values)


def passage_text(kb: knowledge.Knowledge, p: knowledge.Passage) -> str:
    lines = [p.title]
    if p.text:
        lines.append(p.text)
    bullet = (lambda n: f"{n}. ") if p.numbered else (lambda n: "• ")
    lines += [item if item[:1].isdigit() else bullet(n) + item for n, item in enumerate(p.items, 1)]
    lines.append(f"({kb.source_line(p)})")
    return "\n".join(lines)


def facts_asked(kb: knowledge.Knowledge, p: knowledge.Passage, text: str) -> list[str]:
    """The facts of an event passage the question asks ("ใครเป็นประธาน", "จัดที่ไหน"), in the passage's order."""
    if not p.facts:
        return []
    squeezed = text.replace(" ", "").lower()
    asked = {key for key, words in kb.report.meta.fact_asks.items()
             if any(w.replace(" ", "").lower() in squeezed for w in words)}
    people = ("presided", "organised", "led")
    if asked & {"who", *people} and not any(p.fact(k) for k in asked & set(people)):
        asked.add(next((k for k in people if p.fact(k)), "led"))  # the person the passage does name
    return [key for key, _ in p.facts if key in asked]


def fact_replies(ctx: Context, kb: knowledge.Knowledge, p: knowledge.Passage, asked: list[str],
                 buttons) -> list[Reply]:
    """The phrase that answers (the person, the date, the place), the source, and the whole passage one tap
    away; the passage is remembered so that "อ่านทั้งหมด" alone shows it too."""
    lines = [p.title] + [kb_say(ctx, kb, f"fact_{key}", fact=p.fact(key)) for key in asked]
    lines.append(f"({kb.source_line(p)})")
    read = QuickReply(kb_say(ctx, kb, "read_all"), kb_say(ctx, kb, "read_all_text", title=p.title))
    ctx.understood.entities["passage"] = p.id  # kept by the conversation state for the next turn
    return [Text("\n".join(lines), (read, *buttons))]


def read_all(ctx: Context) -> list[Reply]:
    """"อ่านทั้งหมด: <title>" (the button) or "อ่านทั้งหมด" after a fact: the whole passage with its source."""
    kb = knowledge.of(ctx.services)
    if kb is None:
        return smalltalk.fallback(ctx)
    said = ctx.message.utterance or ""
    title = said.split(":", 1)[1].strip() if ":" in said else ""
    wanted = ctx.understood.entities.get("passage")
    p = next((p for p in kb.passages if title and p.title == title), None) or \
        next((p for p in kb.passages if p.id == wanted), None)
    if p is None:
        return answer(ctx)
    return [Text(passage_text(kb, p), quick(ctx, "ita_menu"))]


def names(p: knowledge.Passage, text: str) -> bool:
    """Whether the message names the passage's event by one of its own words (not only asks a fact)."""
    squeezed = text.replace(" ", "").lower()
    return any(a.replace(" ", "").lower() in squeezed for a in p.asks if a)


def found(ctx: Context) -> tuple[knowledge.Knowledge | None, knowledge.Hit | None]:
    """The passage the question is about; a question that only asks a fact ("จัดที่ไหน", "ใครเป็นประธาน")
    right after a passage or a news topic is read as about that passage or topic."""
    kb = knowledge.of(ctx.services)
    if kb is None:
        return None, None
    entities = ctx.understood.entities
    text = ctx.understood.normalized or ctx.message.utterance
    hit = kb.search(text, entities.get("indicator"))
    last = kb.by_id.get(entities.get("last_passage", ""))
    if last is not None and facts_asked(kb, last, text) and (hit is None or not names(hit.passage, text)):
        return kb, knowledge.Hit(last, 1.0)
    if hit is None and entities.get("last_topic"):
        topical = kb.search(f"{entities['last_topic']} {text}", entities.get("indicator"))
        if topical is not None and facts_asked(kb, topical.passage, text):
            return kb, topical
    return kb, hit


def passage_replies(kb: knowledge.Knowledge, hit: knowledge.Hit, buttons, ctx: Context | None = None) -> list[Reply]:
    """The passages found; for a question asking one fact of an event, that fact first (fact_replies)."""
    if ctx is not None and (asked := facts_asked(kb, hit.passage, ctx.understood.normalized or
                                                 ctx.message.utterance or "")):
        return fact_replies(ctx, kb, hit.passage, asked, buttons)
    texts = [passage_text(kb, p) for p in hit.passages]
    return [Text(t) for t in texts[:-1]] + [Text(texts[-1], buttons)]


def misprinted(ctx: Context) -> bool:
    """A figure the report prints but that disagrees with what it is computed from ("ทำไมเป็น 36.75")."""
    score = ctx.understood.entities.get("score")
    if score is None:
        return False
    asked = fmt(Decimal(str(score)))
    return any(m.published == asked for m in check(ita.data(ctx)))


def answer(ctx: Context) -> list[Reply]:
    """A knowledge question ("ใครรับผิดชอบ", "ทำอะไรไปแล้วบ้าง"): the best passage, or how to reach the office."""
    if misprinted(ctx):
        return explain_published(ctx)
    kb, hit = found(ctx)
    if hit is None:
        if kb is None:
            return smalltalk.fallback(ctx)
        return [Text(kb_say(ctx, kb, "not_found"), menu(ctx))]
    return passage_replies(kb, hit, quick(ctx, "ita_menu"), ctx)


def fallback(ctx: Context) -> list[Reply]:
    """Before giving up, look in the report (with the stricter threshold)."""
    kb, hit = found(ctx)
    if hit is None:
        return smalltalk.fallback(ctx)
    return passage_replies(kb, hit, menu(ctx), ctx)


def complemented(intent: str, handler: Handler) -> Handler:
    """An intent's answer, followed by the report's passage when the question matches one well
    (content/report/report.yaml: complement_intents, complement_threshold). The intent keeps priority."""

    def answer_and_passage(ctx: Context) -> list[Reply]:
        replies = handler(ctx)
        if intent.startswith("ita") and intent != "ita.explain_published" and misprinted(ctx):
            return replies + explain_published(ctx)  # "36.75 หรือ 36.38": the figure needs its story
        kb = knowledge.of(ctx.services)
        if kb is None or intent not in kb.settings.complement_intents:
            return replies
        text = ctx.understood.normalized or ctx.message.utterance
        hit = kb.search(text, ctx.understood.entities.get("indicator"), threshold=kb.settings.complement_threshold)
        shown = "\n".join(r.text for r in replies)
        if hit is None or all(piece in shown for piece in hit.passage.pieces):
            return replies
        last = replies[-1] if replies else None
        extra = passage_replies(kb, hit, last.quick_replies if last else (), ctx)
        return replies[:-1] + [dataclasses.replace(last, quick_replies=())] + extra if last else extra

    return answer_and_passage


def explaining(without_report: Handler):
    """A handler explaining a year's figures: it gets the year's detailed result and the report's texts;
    a year without indicator scores gets the ITA handler's own answer, an office without a report
    `without_report`."""

    def wrap(explain):
        @functools.wraps(explain)
        def handler(ctx: Context) -> list[Reply]:
            r = ita.result_for(ctx, detailed=True)
            if isinstance(r, list):
                return r
            kb = knowledge.of(ctx.services)
            return without_report(ctx) if kb is None else explain(ctx, r, kb)
        return handler

    return wrap


@explaining(ita.tools)
def explain_total(ctx: Context, r, kb) -> list[Reply]:
    """ "คะแนนรวมคำนวณยังไง": each tool's mean × weight, and the sum, all computed."""
    def say(key: str, **values: object) -> str:
        return kb_say(ctx, kb, key, **values)

    lines = [say("total_head", year=r.year)]
    for t in r.tools.values():
        lines.append(say("total_row", tool=t.tool, indicators=span(t.indicators), mean=fmt(t.mean),
                         weight=t.weight, score=fmt(t.score)))
    lines.append(say("total_sum", sum=" + ".join(fmt(t.score) for t in r.tools.values()), total=fmt(r.total),
                     level=r.grade.level))
    lines.append(say("total_note"))
    return [Text("\n".join(lines), quick(ctx, "ita_menu"))]


def span(numbers: tuple[int, ...]) -> str:
    consecutive = list(numbers) == list(range(numbers[0], numbers[-1] + 1))
    return f"{numbers[0]}-{numbers[-1]}" if consecutive and len(numbers) > 2 else ", ".join(map(str, numbers))


@explaining(ita.tools)
def explain_published(ctx: Context, r, kb) -> list[Reply]:
    """ "ทำไมตารางเป็น 36.75": the report's printed figures that disagree with what they are computed from."""
    mismatches = [m for m in check(ita.data(ctx)) if m.year == r.year]
    asked = ctx.understood.entities.get("score")
    if asked is not None:
        mismatches = [m for m in mismatches if m.published == fmt(Decimal(str(asked)))] or mismatches
    if not mismatches:
        return [Text(kb_say(ctx, kb, "check_none"), quick(ctx, "ita_menu"))]
    lines = [kb_say(ctx, kb, "check_head", year=r.year)]
    for m in mismatches:
        figure = m.figure
        if figure.startswith("tools.") and figure[6:] in r.tools:
            t = r.tools[figure[6:]]
            figure = kb_say(ctx, kb, "check_tool", tool=t.tool, indicators=span(t.indicators))
        lines.append(kb_say(ctx, kb, "check_row", figure=figure, source=m.source, published=m.published,
                            computed=m.computed))
    lines.append(kb_say(ctx, kb, "check_tail", computed_list=", ".join(sorted({m.computed for m in mismatches}))))
    return [Text("\n".join(lines), quick(ctx, "ita_menu"))]


def changes_asked(ctx: Context) -> dict[int, Decimal]:
    text = ctx.understood.normalized or ctx.message.utterance
    pairs = {int(n): Decimal(s) for n, s in CHANGE.findall(text)}
    entities = ctx.understood.entities
    if not pairs and "indicator" in entities and "score" in entities:
        pairs = {int(entities["indicator"]): Decimal(str(entities["score"]))}
    return pairs


@explaining(ita.indicator)
def explain_what_if(ctx: Context, r, kb) -> list[Reply]:
    """ "ถ้าตัวชี้วัดที่ 7 ได้ 92 คะแนนรวมเท่าไร": scoring's what-if, with the level."""
    changes = changes_asked(ctx)
    if not changes:
        return [Text(kb_say(ctx, kb, "whatif_ask"), quick(ctx, "ita_menu"))]
    try:
        after = what_if(ita.data(ctx), r.year, changes)
    except (KeyError, ValueError):
        return [Text(kb_say(ctx, kb, "whatif_bad", count=len(r.indicators)), quick(ctx, "ita_menu"))]
    described = ", ".join(kb_say(ctx, kb, "whatif_change", number=n, name=r.indicator(n).name, after=fmt(s),
                                 before=fmt(r.indicator(n).score)) for n, s in sorted(changes.items()))
    level_change = kb_say(ctx, kb, "whatif_same_level") if after.grade.level == r.grade.level else \
        kb_say(ctx, kb, "whatif_level_change", before=r.grade.level)
    text = "\n".join([kb_say(ctx, kb, "whatif_head", year=r.year, changes=described),
                      kb_say(ctx, kb, "whatif_result", total=fmt(after.total), before=fmt(r.total),
                             level=after.grade.level, level_change=level_change)])
    return [Text(text, quick(ctx, "ita_menu"))]


def rank(ctx: Context) -> list[Reply]:
    """ "ได้อันดับที่เท่าไหร่ของประเทศ": the rank is not published; the national comparison is."""
    kb = knowledge.of(ctx.services)
    replies = ita.national(ctx)
    if kb is None:
        return replies
    return [Text(kb_say(ctx, kb, "rank_unpublished"))] + replies


HANDLERS = {
    "ita.knowledge": answer,
    "ita.passage": read_all,
    "ita.explain_total": explain_total,
    "ita.explain_published": explain_published,
    "ita.what_if": explain_what_if,
    "ita.rank": rank,
}
FALLBACKS = {"fallback": fallback}

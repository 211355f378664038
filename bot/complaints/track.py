"""Tracking a complaint by its code, from any account.

A code is the reporter's key (codes.py): typed on the account that filed it, it shows the case as the
reporter knows it (category, status, what is next, history); typed anywhere else (a new phone, another
browser, LINE after a web report), a new code shows only status, dates and the notes staff sent the
reporter — never the details, evidence, location or who filed it. An older, shorter code stays its
filer's alone: anywhere else it gets the same answer as an unknown code. Wrong codes are counted per
client and refused for a while at the limit (guesses.py), a right one included.
"""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Card, CardRow, QuickReply, Reply, Text
from bot.core.tracking_codes import find_code, is_bearer
from bot.thaitime import local, thai_date, thai_datetime

from . import content as cc
from . import guesses, service
from .content import say_in as say
from .flow import elsewhere
from .models import Complaint

MAX_CODE_BUTTONS = 12  # LINE shows 13 quick replies; one is "cancel"

NAME = "track"


def card(ctx: Context, complaint: Complaint) -> Card:
    content = cc.of(ctx.services)
    rows = [CardRow(say(ctx, "label_category"), content.category_label(complaint.category)),
            CardRow(say(ctx, "label_status"), content.status_label(complaint.status, ctx.lang), emphasis=True),
            CardRow(say(ctx, "label_filed"), thai_datetime(complaint.created_at))]
    if complaint.status not in cc.CLOSED:
        category = next((c for c in content.categories if c.id == complaint.category), None)
        if category is not None:
            rows.append(CardRow(say(ctx, "label_next"), say(ctx, "track_next", resolve_days=category.resolve_days)))
    return _card(ctx, complaint, rows)


def status_card(ctx: Context, complaint: Complaint) -> Card:
    """What a code shows on an account that did not file it: status, dates and the notes sent to the
    reporter; the category (a corruption report says what it is about), details, evidence, location and
    identity stay with the filer's account and the office."""
    content = cc.of(ctx.services)
    rows = [CardRow(say(ctx, "label_status"), content.status_label(complaint.status, ctx.lang), emphasis=True),
            CardRow(say(ctx, "label_filed"), thai_datetime(complaint.created_at)),
            CardRow("", say(ctx, "track_shared_view"))]
    return _card(ctx, complaint, rows)


def _card(ctx: Context, complaint: Complaint, rows: list[CardRow]) -> Card:
    content = cc.of(ctx.services)
    rows.append(CardRow("", say(ctx, "track_history"), emphasis=True))
    rows += [CardRow(thai_datetime(e.created_at), content.status_label(e.status, ctx.lang) + (f" — {e.note}" if e.note else ""))
             for e in complaint.events]
    title = say(ctx, "track_title", code=complaint.code)
    alt = "\n".join([title] + [f"{r.label}: {r.value}" if r.label else r.value for r in rows])
    feedback = say(ctx, "btn_feedback")
    return Card(title=title, alt_text=alt, rows=tuple(rows), quick_replies=(QuickReply(feedback, feedback),))


def answer(ctx: Context, code: str) -> list[Reply]:
    m, services = ctx.message, ctx.services
    clients = guesses.clients(services, m.channel, m.user_id)
    until = guesses.refused_until(services, clients)
    if until is not None:
        return [Text(say(ctx, "track_refused", until=thai_datetime(until)))]
    complaint = service.for_reporter(services, code, m.channel, m.user_id)
    if complaint is not None:
        return [card(ctx, complaint)]
    if is_bearer(code):
        with services.db.session() as s:
            complaint = service.load(s, code)
        if complaint is not None:
            return [status_card(ctx, complaint)]
    guesses.count_wrong(services, clients)
    return [Text(say(ctx, "not_found"))]


def my_codes(ctx: Context) -> Text | None:
    """The complaints filed from this account with their status, found by the account's keyed hash, so
    a reporter who lost a code gets it back; the codes are buttons that open each one."""
    m, content = ctx.message, cc.of(ctx.services)
    mine = service.filed_by(ctx.services, m.channel, m.user_id)
    if not mine:
        return None
    lines = [say(ctx, "my_codes_title", count=len(mine))]
    lines += [say(ctx, "my_codes_item", code=c.code, category=content.category_label(c.category),
                  status=content.status_label(c.status, ctx.lang), filed=thai_date(local(c.created_at).date())) for c in mine]
    buttons = tuple(QuickReply(c.code, c.code) for c in mine[:MAX_CODE_BUTTONS])
    return Text("\n".join(lines), buttons)


class TrackFlow:
    name = NAME

    def start(self, ctx: Context) -> list[Reply]:
        code = ctx.understood.entities.get("code") or find_code(ctx.message.utterance)
        if code:
            return answer(ctx, str(code))
        ctx.start_flow(NAME, "code")
        cancel = QuickReply(say(ctx, "btn_cancel"), say(ctx, "btn_cancel"))
        listed = my_codes(ctx)
        if listed:
            return [Text(listed.text), Text(say(ctx, "ask_code_listed"), listed.quick_replies + (cancel,))]
        return [Text(say(ctx, "ask_code"), (cancel,))]

    def step(self, ctx: Context) -> list[Reply] | None:
        text = (ctx.message.utterance or "").strip()
        if cc.of(ctx.services).is_word("cancel", text):
            ctx.end_flow()
            return [Text(say(ctx, "track_cancelled"))]
        code = find_code(text)
        if code:
            ctx.end_flow()
            return answer(ctx, code)
        if elsewhere(ctx) or ctx.understood.coarse in ("complaint", "feedback"):
            ctx.end_flow()
            return None
        return [Text(say(ctx, "code_unclear"), (QuickReply(say(ctx, "btn_cancel"), say(ctx, "btn_cancel")),))]

    def expired(self, ctx: Context, old: dict) -> list[Reply]:
        return []  # nothing was pending


FLOW = TrackFlow()

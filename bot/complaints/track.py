"""Tracking a complaint by its code: status and history, for its reporter only.

An unknown code and someone else's get the very same answer, so codes cannot be probed.
"""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Card, CardRow, QuickReply, Reply, Text

from . import content as cc
from . import service
from bot.core.tracking_codes import find_code
from .content import say_in as say
from .flow import elsewhere
from .models import Complaint
from bot.thaitime import local, thai_date, thai_datetime

MAX_CODE_BUTTONS = 12  # LINE shows 13 quick replies; one is "cancel"

NAME = "track"


def card(ctx: Context, complaint: Complaint) -> Card:
    content = cc.of(ctx.services)
    rows = [CardRow(say(ctx, "label_category"), content.category_label(complaint.category)),
            CardRow(say(ctx, "label_status"), content.status_label(complaint.status), emphasis=True),
            CardRow(say(ctx, "label_filed"), thai_datetime(complaint.created_at))]
    if complaint.status not in cc.CLOSED:
        category = next((c for c in content.categories if c.id == complaint.category), None)
        if category is not None:
            rows.append(CardRow(say(ctx, "label_next"), say(ctx, "track_next", resolve_days=category.resolve_days)))
    rows.append(CardRow("", say(ctx, "track_history"), emphasis=True))
    rows += [CardRow(thai_datetime(e.created_at), content.status_label(e.status) + (f" — {e.note}" if e.note else ""))
             for e in complaint.events]
    title = say(ctx, "track_title", code=complaint.code)
    alt = "\n".join([title] + [f"{r.label}: {r.value}" if r.label else r.value for r in rows])
    feedback = say(ctx, "btn_feedback")
    return Card(title=title, alt_text=alt, rows=tuple(rows), quick_replies=(QuickReply(feedback, feedback),))


def answer(ctx: Context, code: str) -> list[Reply]:
    m = ctx.message
    complaint = service.for_reporter(ctx.services, code, m.channel, m.user_id)
    if complaint is None:
        return [Text(say(ctx, "not_found"))]
    return [card(ctx, complaint)]


def my_codes(ctx: Context) -> Text | None:
    """The complaints filed from this account with their status, found by the account's keyed hash, so
    a reporter who lost a code gets it back; the codes are buttons that open each one."""
    m, content = ctx.message, cc.of(ctx.services)
    mine = service.filed_by(ctx.services, m.channel, m.user_id)
    if not mine:
        return None
    lines = [say(ctx, "my_codes_title", count=len(mine))]
    lines += [say(ctx, "my_codes_item", code=c.code, category=content.category_label(c.category),
                  status=content.status_label(c.status), filed=thai_date(local(c.created_at).date())) for c in mine]
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

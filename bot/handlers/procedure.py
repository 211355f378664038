"""Answers from the service manuals in `content/procedures/`."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Card, CardRow, QuickReply, Reply, Text
from bot.core.textcut import clip

from .common import quick

MAX_QUICK = 13


def procedures(ctx: Context):
    return ctx.services.content.procedures


def listing(ctx: Context) -> list[Reply]:
    procs = procedures(ctx)
    if not procs:
        return [Text(ctx.say("procedure_none", phone=ctx.services.content.office.phone), quick(ctx, "menu"))]
    lines = [ctx.say("procedure_list_head", count=len(procs))]
    lines += [ctx.say("procedure_list_row", n=n, title=p.title) for n, p in enumerate(procs, start=1)]
    lines.append(ctx.say("procedure_list_tail"))
    buttons = tuple(QuickReply(p.button, ctx.say("procedure_ask", title=p.title)) for p in procs[:MAX_QUICK])
    return [Text("\n".join(lines), buttons)]


def detail(ctx: Context) -> list[Reply]:
    proc_id = ctx.understood.entities.get("procedure")
    proc = ctx.services.content.procedure(proc_id) if proc_id else None
    if proc is None:
        return listing(ctx)
    return [procedure_card(ctx, proc)]


def procedure_card(ctx: Context, proc) -> Card:
    """The whole manual as one answer: title and summary once, the figures as rows, then the steps and
    the documents (a heading only above steps that exist)."""
    rows = [CardRow(ctx.say("label_fee"), proc.fee),
            CardRow(ctx.say("label_time_limit"), proc.time_limit),
            CardRow(ctx.say("label_group"), proc.responsible_group),
            CardRow(ctx.say("label_contact"), proc.contact)]
    if proc.channels:
        rows.append(CardRow(ctx.say("label_channels"), ", ".join(proc.channels)))
    if proc.steps:
        numbered = "\n".join(f"{n}. {s}" for n, s in enumerate(proc.steps, start=1))
        rows.append(CardRow("", ctx.say("procedure_steps", steps=numbered)))
    documents = "\n".join(f"- {d}" for d in proc.documents) or ctx.say("procedure_no_documents")
    rows.append(CardRow("", ctx.say("procedure_documents", documents=documents)))
    return Card(title=proc.title, subtitle=" ".join(proc.summary.split()), rows=tuple(rows),
                footer=ctx.say("procedure_sample_note") if proc.sample else "",
                alt_text=clip(f"{proc.title}: {proc.summary}", 400), quick_replies=quick(ctx, "procedure_menu"))


HANDLERS = {"procedure": listing, "procedure.list": listing, "procedure.detail": detail}

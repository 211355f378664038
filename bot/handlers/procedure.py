"""Answers from the service manuals in `content/procedures/`."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Card, CardRow, QuickReply, Reply, Text

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
    buttons = tuple(QuickReply(p.title[:20], ctx.say("procedure_ask", title=p.title)) for p in procs[:MAX_QUICK])
    return [Text("\n".join(lines), buttons)]


def detail(ctx: Context) -> list[Reply]:
    proc_id = ctx.understood.entities.get("procedure")
    proc = ctx.services.content.procedure(proc_id) if proc_id else None
    if proc is None:
        return listing(ctx)
    numbered = "\n".join(f"{n}. {s}" for n, s in enumerate(proc.steps, start=1))
    documents = "\n".join(f"- {d}" for d in proc.documents) or ctx.say("procedure_no_documents")
    rows = (CardRow(ctx.say("label_fee"), proc.fee),
            CardRow(ctx.say("label_time_limit"), proc.time_limit),
            CardRow(ctx.say("label_group"), proc.responsible_group),
            CardRow(ctx.say("label_contact"), proc.contact))
    card = Card(title=proc.title, subtitle=proc.summary[:120], rows=rows,
                footer=ctx.say("procedure_sample_note") if proc.sample else "",
                alt_text=f"{proc.title}: {proc.summary}"[:400])
    text = ctx.say("procedure_detail", title=proc.title, summary=proc.summary, steps=numbered,
                   documents=documents, channels=", ".join(proc.channels) or "-")
    return [card, Text(text, quick(ctx, "procedure_menu"))]


HANDLERS = {"procedure": listing, "procedure.list": listing, "procedure.detail": detail}

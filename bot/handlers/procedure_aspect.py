"""One part of a service manual ("ใช้เวลากี่วัน", "ใช้เอกสารอะไรบ้าง", "ติดต่อกลุ่มไหน", "ขอออนไลน์ได้ไหม"),
usually asked right after the manual was shown; the whole manual is rendered by procedure.py."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Reply, Text

from . import procedure
from .common import quick


def channel_words(ctx: Context, kind: str) -> list[str]:
    """The words of a manual's channels that offer `kind` (content/nlu/entities.yaml procedure_channels)."""
    channels = ctx.services.understander.lexicon.entities.procedure_channels
    return channels[kind].offered if kind in channels else []


def title_of(ctx: Context, proc) -> str:
    return proc.title_en if ctx.lang == "en" and proc.title_en else proc.title


def channel_answer(ctx: Context, proc, kind: str) -> str:
    """Yes or no for one way of applying, from the manual's own channels, then the channels it takes."""
    offered = [w.lower() for w in channel_words(ctx, kind)]
    taking = [c for c in proc.channels if any(w in c.lower() for w in offered)]
    listed = ", ".join(proc.channels) or "-"
    if kind == "in_person":  # "ต้องไปเองไหม": the other ways, if any, mean no need to come
        others = [c for c in proc.channels if c not in taking]
        if others:
            return ctx.say("procedure_in_person_not_needed", title=title_of(ctx, proc), value=", ".join(others))
        return ctx.say("procedure_in_person_needed", title=title_of(ctx, proc), channels=listed)
    way = ctx.say(f"channel_name_{kind}")
    if taking:
        return ctx.say("procedure_channel_yes", title=title_of(ctx, proc), way=way, value=", ".join(taking), channels=listed)
    return ctx.say("procedure_channel_no", title=title_of(ctx, proc), way=way, channels=listed)


def detail_or_aspect(ctx: Context) -> list[Reply]:
    entities = ctx.understood.entities
    proc = ctx.services.content.procedure(entities["procedure"]) if entities.get("procedure") else None
    aspect = entities.get("aspect")
    if proc is None and aspect == "fee" and ctx.services.content.procedures:
        return fees(ctx)  # "ค่าธรรมเนียมเท่าไหร่" with no manual in view: every manual's fee
    if proc is None or aspect not in ("time", "documents", "contact", "online", "fee"):
        return procedure.detail(ctx)
    if aspect == "online" and entities.get("channel"):
        text = channel_answer(ctx, proc, entities["channel"])
    else:
        values = {
            "time": proc.time_limit,
            "documents": "\n".join(f"- {d}" for d in proc.documents) or ctx.say("procedure_no_documents"),
            "contact": proc.contact,
            "online": ", ".join(proc.channels) or "-",
            "fee": proc.fee,
        }
        text = ctx.say(f"procedure_aspect_{aspect}", title=title_of(ctx, proc), value=values[aspect],
                       group=proc.responsible_group)
    if proc.sample:
        text += "\n" + ctx.say("procedure_sample_note")
    return [Text(text, quick(ctx, "procedure_menu"))]


def fees(ctx: Context) -> list[Reply]:
    lines = [ctx.say("procedure_fees_head")]
    lines += [ctx.say("procedure_fees_row", title=p.button, fee=p.fee) for p in ctx.services.content.procedures]
    if any(p.sample for p in ctx.services.content.procedures):
        lines.append(ctx.say("procedure_sample_note"))
    return [Text("\n".join(lines), quick(ctx, "procedure_menu"))]


HANDLERS = {"procedure.detail": detail_or_aspect}

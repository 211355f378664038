"""One part of a service manual ("ใช้เวลากี่วัน", "ใช้เอกสารอะไรบ้าง", "ติดต่อกลุ่มไหน", "ขอออนไลน์ได้ไหม"),
usually asked right after the manual was shown; the whole manual is rendered by procedure.py."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Reply, Text

from . import procedure
from .common import quick


def detail_or_aspect(ctx: Context) -> list[Reply]:
    entities = ctx.understood.entities
    proc = ctx.services.content.procedure(entities["procedure"]) if entities.get("procedure") else None
    aspect = entities.get("aspect")
    if proc is None or aspect not in ("time", "documents", "contact", "online", "fee"):
        return procedure.detail(ctx)
    values = {
        "time": proc.time_limit,
        "documents": "\n".join(f"- {d}" for d in proc.documents) or ctx.say("procedure_no_documents"),
        "contact": proc.contact,
        "online": ", ".join(proc.channels) or "-",
        "fee": proc.fee,
    }
    text = ctx.say(f"procedure_aspect_{aspect}", title=proc.title, value=values[aspect],
                   group=proc.responsible_group)
    if proc.sample:
        text += "\n" + ctx.say("procedure_sample_note")
    return [Text(text, quick(ctx, "procedure_menu"))]


HANDLERS = {"procedure.detail": detail_or_aspect}

"""Two-way Q&A statistics for the ITA evidence pack: questions the bot answered, conversations with a
person, and how soon a person first answered."""
from __future__ import annotations

from datetime import datetime
from statistics import median

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from bot.storage import per_dialect, utcnow
from bot.storage.prepared import Prepared
from bot.thaitime import local

from .models import BotAnswerCount, LiveChat, LiveChatMessage


def _count(insert):
    table = BotAnswerCount.__table__
    return insert(table).values(day=bindparam("b_day"), channel=bindparam("b_channel"), count=1) \
        .on_conflict_do_update(index_elements=["day", "channel"], set_={"count": table.c.count + 1})


COUNT = Prepared(per_dialect(_count))  # it runs every turn


def count_bot_answer(conn: Connection, channel: str, now: datetime | None = None) -> None:
    """One more question answered by the bot today (Thailand day); no text and no user are kept. One upsert,
    so two first answers of a day at once both count and neither fails its turn's transaction."""
    day = local(now or utcnow()).date().isoformat()
    COUNT.execute(conn, {"b_day": day, "b_channel": channel})


def summary(services, lo: datetime, hi: datetime) -> dict:
    with services.db.session() as s:
        chats = list(s.scalars(select(LiveChat).where(LiveChat.started_at >= lo, LiveChat.started_at < hi)))
        ids = [c.id for c in chats]
        citizen = s.scalar(select(func.count()).select_from(LiveChatMessage)
                           .where(LiveChatMessage.chat_id.in_(ids), LiveChatMessage.sender == "citizen")) if ids else 0
        bot = s.scalar(select(func.coalesce(func.sum(BotAnswerCount.count), 0))
                       .where(BotAnswerCount.day >= local(lo).date().isoformat(),
                              BotAnswerCount.day < local(hi).date().isoformat()))
    waits = [(c.first_answer_at - c.started_at).total_seconds() / 60 for c in chats if c.first_answer_at]
    return {"bot_answers": int(bot or 0), "live_chats": len(chats), "citizen_messages": int(citizen or 0),
            "answered": len(waits), "median_minutes_to_answer": round(median(waits), 1) if waits else None}

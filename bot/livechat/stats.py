"""Two-way Q&A statistics for the ITA evidence pack: questions the bot answered, conversations with a
person, and how soon a person first answered."""
from __future__ import annotations

from datetime import datetime
from statistics import median

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage import utcnow
from bot.thaitime import local

from .models import BotAnswerCount, LiveChat, LiveChatMessage


def count_bot_answer(services, channel: str, now: datetime | None = None) -> None:
    """One more question answered by the bot today (Thailand day); no text and no user are kept."""
    day = local(now or utcnow()).date().isoformat()
    where = (BotAnswerCount.day == day, BotAnswerCount.channel == channel)
    for _ in range(2):  # two first answers of a day at once: one insert wins, the other then updates
        try:
            with services.db.session() as s:
                if s.execute(update(BotAnswerCount).where(*where).values(count=BotAnswerCount.count + 1)).rowcount:
                    return
                s.add(BotAnswerCount(day=day, channel=channel, count=1))
            return
        except IntegrityError:
            continue


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

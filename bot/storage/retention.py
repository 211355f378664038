"""Housekeeping: rows that only matter for a while (`python -m bot db purge`, e.g. daily from cron).

Complaint records have their own PDPA retention (`complaints purge-personal-data`); these are the core's
short-lived rows: idle conversation states, seen webhook event ids, and web-chat messages already shown.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.channels.web_models import WebInboxMessage

from .db import Database, utcnow
from .models import ConversationState, ProcessedEvent


def purge(db: Database, older_than: timedelta, now: datetime | None = None) -> dict[str, int]:
    cutoff = (now or utcnow()) - older_than
    with db.session() as s:
        return {
            "conversation_state": s.execute(
                delete(ConversationState).where(ConversationState.updated_at < cutoff)).rowcount,
            "processed_event": s.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff)).rowcount,
            "web_inbox_message": s.execute(delete(WebInboxMessage).where(
                WebInboxMessage.delivered_at.is_not(None), WebInboxMessage.delivered_at < cutoff)).rowcount,
        }

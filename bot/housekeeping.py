"""Housekeeping: rows that only matter for a while (`python -m bot db purge`, e.g. daily from cron).

Complaint records have their own PDPA retention (`complaints purge-personal-data`); these are the core's
short-lived rows: idle conversation states, seen webhook event ids, web-chat messages already shown, and
the visible history of web-chat sessions idle longer than the state TTL, outbox rows sent over a day ago, and
the wrong-code counts of clients long quiet.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.channels import web_history
from bot.channels.web_models import WebInboxMessage
from bot.complaints.guesses import forget_quiet
from bot.office_answers import store as office_answers
from bot.outbox.rows import purge_sent
from bot.storage.db import Database, utcnow
from bot.storage.models import ConversationState, ProcessedEvent


def purge(db: Database, older_than: timedelta, now: datetime | None = None, *,
          history_ttl: timedelta) -> dict[str, int]:
    """`history_ttl` is the conversation state's time-to-live (`STATE_TTL_MINUTES`): a web-chat history
    (names, phones, details, a tracking code) lives no longer than the conversation it shows, however long
    the other rows are kept. Required, so that no caller falls back to `older_than`'s days."""
    now = now or utcnow()
    cutoff = now - older_than
    with db.session() as s:
        return {
            "conversation_state": s.execute(
                delete(ConversationState).where(ConversationState.updated_at < cutoff)).rowcount,
            "processed_event": s.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff)).rowcount,
            "web_inbox_message": s.execute(delete(WebInboxMessage).where(
                WebInboxMessage.delivered_at.is_not(None), WebInboxMessage.delivered_at < cutoff)).rowcount,
            "web_chat_entry": web_history.purge_idle(s, now - min(history_ttl, older_than)),
            "outbox_message": purge_sent(s, now),
            "code_guess": forget_quiet(s, now),
            "unanswered_question": office_answers.purge(s, now),  # after 90 days, whatever --older-than-days
        }

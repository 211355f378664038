"""PDPA retention: personal data of closed complaints is removed after a set time.

Removed: the reporter's name and phone, the location (coordinates and address), the link to their
platform account, the evidence files and photos of the result, the alerts and notices sent about the complaint (an alert quotes
the name and phone), and what the bot still keeps under the reporter's account: its conversation state
and web inbox. Files of drafts never filed are removed too, and follower rows of people who left (or, on
Messenger, have not written) before the cutoff.
Kept: the anonymised record (code, category, status, details, dates, history), so the statistics stay
whole. The clock process runs this daily (content/complaints.yaml `retention`, bot/retention_jobs.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from bot.channels.web_models import WebInboxMessage
from bot.storage import utcnow
from bot.storage.models import ConversationState, Follower

from . import evidence, notifier
from bot.outbox.models import OutboxMessage
from bot.outbox.rows import purge_sent

from .models import Complaint, ComplaintEvent, Evidence

if TYPE_CHECKING:
    from bot.services import Services

ABANDONED_DRAFT = timedelta(days=2)


@dataclass
class Purged:
    complaints: int
    files: int
    draft_files: int
    account_rows: int = 0
    followers: int = 0
    sent_messages: int = 0


def purge_personal_data(services: Services, older_than: timedelta, now: datetime | None = None) -> Purged:
    now = now or utcnow()
    cutoff = now - older_than
    with services.db.session() as s:
        complaints = list(s.scalars(select(Complaint).where(
            Complaint.closed_at.is_not(None), Complaint.closed_at < cutoff, Complaint.purged_at.is_(None))))
        ids = [c.id for c in complaints]
        files = list(s.scalars(select(Evidence).where(Evidence.complaint_id.in_(ids), Evidence.path.is_not(None))))
        paths = [f.path for f in files]
        for f in files:
            f.path = None
        photos = list(s.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id.in_(ids),
                                                             ComplaintEvent.photo_path.is_not(None))))
        paths += [p.photo_path for p in photos]  # photos of the result may show the reporter's place
        for p in photos:
            p.photo_path = p.photo_token = None
        for c in complaints:
            c.reporter_name = c.reporter_phone = None
            c.location = None
            c.purged_at = now
        account_rows = forget_accounts(s, notifier.forget(services, s, ids))
        codes = [c.code for c in complaints]
        if codes:
            s.execute(delete(OutboxMessage).where(OutboxMessage.ref.in_(codes)))
        followers = gone_followers(s, cutoff)
        sent_messages = purge_sent(s, now)
    removed = evidence.delete(services, paths)  # after the commit: a failed commit leaves files in place
    drafts = evidence.discard_abandoned(services, now - ABANDONED_DRAFT)
    return Purged(len(complaints), removed, drafts, account_rows, followers, sent_messages)


def forget_accounts(session: Session, accounts: list[tuple[str, str]]) -> int:
    """The conversation state and web inbox kept under the purged reporters' accounts."""
    removed = 0
    for channel, user_id in accounts:
        removed += session.execute(delete(ConversationState).where(ConversationState.channel == channel,
                                                                   ConversationState.user_id == user_id)).rowcount
        if channel == "web":
            removed += session.execute(delete(WebInboxMessage).where(WebInboxMessage.user_id == user_id)).rowcount
    return removed


def gone_followers(session: Session, cutoff: datetime) -> int:
    """People who unfollowed before the cutoff, and Messenger contacts silent since (unreachable anyway)."""
    return session.execute(delete(Follower).where(or_(
        and_(Follower.active.is_(False), Follower.unfollowed_at < cutoff),
        and_(Follower.channel == "facebook", or_(Follower.last_message_at < cutoff,
                                                 and_(Follower.last_message_at.is_(None),
                                                      Follower.followed_at < cutoff)))))).rowcount

"""PDPA retention: personal data of closed complaints is removed after a set time.

Removed: the reporter's name and phone, the link to their platform account, the evidence files, and the
alerts and notices sent about the complaint (an alert quotes the name and phone).
Kept: the anonymised record (code, category, status, details, dates, history), so the statistics stay
whole. Files of drafts never filed are removed too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.storage import utcnow

from . import evidence, notifier
from .models import Complaint, Evidence, OutboxMessage

ABANDONED_DRAFT = timedelta(days=2)


@dataclass
class Purged:
    complaints: int
    files: int
    draft_files: int


def purge_personal_data(services, older_than: timedelta, now: datetime | None = None) -> Purged:
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
        for c in complaints:
            c.reporter_name = c.reporter_phone = None
            c.purged_at = now
        notifier.forget(s, ids)
        codes = [c.code for c in complaints]
        if codes:
            s.execute(delete(OutboxMessage).where(OutboxMessage.ref.in_(codes)))
    removed = evidence.delete(services, paths)  # after the commit: a failed commit leaves files in place
    drafts = evidence.discard_abandoned(services, now - ABANDONED_DRAFT)
    return Purged(len(complaints), removed, drafts)

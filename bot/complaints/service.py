"""Complaints as the office handles them: filing (one transaction with evidence, reporter link and staff
alerts), status changes, and the staff view. Chat flows, CLI and tests all come through here."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.core import tracking_codes as codes
from bot.outbox import rows as outbox_rows
from bot.outbox import worker as outbox_worker
from bot.storage import utcnow

from . import alerts, evidence, notifier
from . import content as cc
from .content import CLOSED, STATUSES
from .models import Complaint, ComplaintEvent

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

CODE_TRIES = 8
LIMIT_WINDOW = timedelta(days=1)


class RateLimited(Exception):
    def __init__(self, limit: int):
        super().__init__(f"at most {limit} new complaints a day")
        self.limit = limit


class NotFound(LookupError):
    pass


@dataclass
class Draft:
    """What is filed: the complaint flow's draft (draft.py) once confirmed, or a staff command's."""

    key: str  # the draft's id: its evidence rows, and a second confirm of it files nothing
    category: str
    details: list[str] = field(default_factory=list)
    location: dict | None = None
    anonymous: bool = True
    name: str | None = None
    phone: str | None = None


def limit_reached(services: Services, channel: str, user_id: str, now: datetime,
                  session: Session | None = None) -> bool:
    limit = services.settings.complaint_daily_limit
    if session is not None:
        return notifier.filed_since(services, session.connection(), channel, user_id, now - LIMIT_WINDOW) >= limit
    with services.db.engine.connect() as c:
        return notifier.filed_since(services, c, channel, user_id, now - LIMIT_WINDOW) >= limit


# A receipt (the message giving the tracking code) waits this long for the chat answer that carries it;
# if that answer was never recorded (the process died), the outbox sends the receipt itself.
RECEIPT_GRACE = timedelta(minutes=2)


def _insert(services: Services, session: Session, draft: Draft, code: str, channel: str, user_id: str,
            now: datetime, receipt=None) -> Complaint:
    named = not draft.anonymous and bool(draft.name)
    complaint = Complaint(code=code, draft_key=draft.key, category=draft.category, status="received", anonymous=not named,
                          channel=channel, details="\n\n".join(draft.details), location=draft.location,
                          reporter_name=draft.name if named else None, reporter_phone=draft.phone if named else None,
                          consent_at=now if named else None, created_at=now, updated_at=now)
    session.add(complaint)
    session.flush()  # the unique code is checked here
    session.add(ComplaintEvent(complaint_id=complaint.id, status="received", created_at=now))
    files = evidence.attach(session, draft.key, complaint.id)
    notifier.link(services, session, complaint, channel, user_id, now)
    alerts.queue_new_complaint(services, session, complaint, files, now)
    if receipt is not None:
        outbox_rows.enqueue(session, "reporter", str(complaint.id), outbox_rows.pack(receipt(complaint)),
                       purpose="receipt", ref=complaint.code, now=now, due=now + RECEIPT_GRACE)
    return complaint


def receipt_id(services: Services, complaint: Complaint) -> int | None:
    """The complaint's receipt while it is still owed (its outbox row id)."""
    with services.db.session() as s:
        return outbox_rows.pending_id(s, "receipt", complaint.code)


def existing(services: Services, column, value: str) -> Complaint | None:
    with services.db.session() as s:
        return s.scalar(select(Complaint).where(column == value))


def file_complaint(services: Services, draft: Draft, channel: str, user_id: str, now: datetime | None = None,
                   receipt=None) -> Complaint:
    """Commit the complaint, its history, evidence, reporter link and staff alerts together, then start
    delivering the alerts. Returns only after the commit: the reporter is told nothing before.

    `receipt(complaint)` gives the replies that tell the reporter the code: queued in the same commit,
    so the code is owed to the reporter until it is delivered (see `RECEIPT_GRACE`)."""
    now = now or utcnow()
    prefix = cc.of(services).category(draft.category).prefix
    for _ in range(CODE_TRIES):
        code = codes.new_code(prefix)
        try:
            with services.db.session() as s:
                if limit_reached(services, channel, user_id, now, s):
                    raise RateLimited(services.settings.complaint_daily_limit)
                complaint = _insert(services, s, draft, code, channel, user_id, now, receipt)
        except IntegrityError:
            already = existing(services, Complaint.draft_key, draft.key)
            if already is not None:
                return already  # the same draft confirmed twice at once: filed once
            if existing(services, Complaint.code, code) is not None:
                log.info("tracking code %s already taken; drawing another", code)
                continue
            raise
        outbox_worker.kick(services)
        return complaint
    raise RuntimeError(f"no free tracking code after {CODE_TRIES} draws")


def load(session: Session, code: str) -> Complaint | None:
    return session.scalar(select(Complaint).where(Complaint.code == code.strip().upper())
                          .options(selectinload(Complaint.events), selectinload(Complaint.evidence)))


def for_reporter(services: Services, code: str, channel: str, user_id: str) -> Complaint | None:
    """The complaint if this person filed it; None alike for an unknown code and someone else's."""
    with services.db.session() as s:
        complaint = load(s, code)
        if complaint is None or not notifier.is_reporter(services, s, complaint.id, channel, user_id):
            return None
        return complaint


def filed_by(services: Services, channel: str, user_id: str) -> list[notifier.Filed]:
    """This account's own complaints, newest first ("รหัสของฉัน")."""
    with services.db.engine.connect() as c:
        return notifier.filed_by(services, c, channel, user_id)


def set_status(services: Services, code: str, status: str, note: str | None = None,
               now: datetime | None = None, photo: ResultPhoto | None = None) -> Complaint:
    """Record a status change with its note (and a photo of the result) and queue the notice to the
    reporter in the same commit; a resolution asks the reporter to rate it or say it is not solved."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)} (got {status!r})")
    now = now or utcnow()
    note = (note or "").strip() or None
    with services.db.session() as s:
        complaint = load(s, code)
        if complaint is None:
            raise NotFound(code)
        complaint.status, complaint.updated_at = status, now
        complaint.closed_at = (complaint.closed_at or now) if status in CLOSED else None
        event = ComplaintEvent(status=status, note=note, created_at=now)
        if photo is not None:
            event.photo_path, event.photo_token = photo.path, photo.token
        complaint.events.append(event)
        notifier.notify_status(services, s, complaint, note, now, photo.url(services) if photo else None)
    return complaint


@dataclass(frozen=True)
class ResultPhoto:
    """A photo of the result, stored and cleaned like evidence (result_photos.py), served to the reporter
    under its unguessable token."""

    path: str
    token: str

    def url(self, services: Services) -> str:
        return f"{services.settings.public_base_url}/console/result/{self.token}"


def listing(services: Services, status: str | None = None) -> list[Complaint]:
    with services.db.session() as s:
        query = select(Complaint).options(selectinload(Complaint.evidence)).order_by(Complaint.created_at,
                                                                                    Complaint.id)
        if status:
            query = query.where(Complaint.status == status)
        return list(s.scalars(query))


def staff_view(services: Services, complaint: Complaint, full: bool = False) -> dict:
    """What staff may see. No platform user id ever; a name and phone only when the reporter gave them."""
    content = cc.of(services)
    view = {
        "code": complaint.code,
        "category": complaint.category,
        "category_label": content.category_label(complaint.category),
        "status": complaint.status,
        "status_label": content.status_label(complaint.status),
        "anonymous": complaint.anonymous,
        "channel": complaint.channel,
        "created_at": complaint.created_at.isoformat(),
        "closed_at": complaint.closed_at.isoformat() if complaint.closed_at else None,
        "evidence_count": len(complaint.evidence),
        "unit": content.unit_key(complaint),
        "unit_name": content.units[content.unit_key(complaint)].name,
        "forwarded_agency": complaint.forwarded_agency,
        "forwarded_contact": complaint.forwarded_contact,
        "rating": complaint.rating,
        "rating_comment": complaint.rating_comment,
        "reopened": complaint.reopened or 0,
    }
    if not full:
        return view
    root = Path(services.settings.evidence_dir)
    view.update(
        details=complaint.details,
        location=complaint.location,
        reporter=None if complaint.anonymous or not complaint.reporter_name
        else {"name": complaint.reporter_name, "phone": complaint.reporter_phone},
        evidence=[{"kind": e.kind, "mime": e.mime, "size": e.size, "sha256": e.sha256,
                   "may_carry_metadata": e.may_carry_metadata,
                   "file": str(root / e.path) if e.path else None} for e in complaint.evidence],
        history=[{"status": e.status, "status_label": content.status_label(e.status), "note": e.note,
                  "at": e.created_at.isoformat()} for e in complaint.events],
        purged_at=complaint.purged_at.isoformat() if complaint.purged_at else None,
    )
    return view

"""The complaints inbox behind the console: who may see which complaint (roles), filters and search,
assignment, internal notes, and corruption reports that reach nobody."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from bot.complaints import alerts
from bot.complaints import content as cc
from bot.complaints import deadlines
from bot.complaints.models import Complaint
from bot.storage import utcnow
from bot.thaitime import BANGKOK

from . import audit
from .models import ComplaintNote, ConsoleUser
from .people import Person, may_handle

if TYPE_CHECKING:
    from bot.services import Services


def corruption_categories(services: Services) -> set[str]:
    """Categories routed to the integrity unit: only it (and admins) may see them."""
    content = cc.of(services)
    return {c.id for c in content.categories if content.is_integrity(c.id)}


def may_see(services: Services, who: Person, complaint: Complaint) -> bool:
    """Admins see everything; the integrity unit only corruption reports; staff everything else."""
    if who.is_admin:
        return True
    corrupt = complaint.category in corruption_categories(services)
    return who.sees_corruption() if corrupt else who.sees_general()


@dataclass
class Filters:
    status: str = ""
    category: str = ""
    channel: str = ""
    assignee: str = ""  # a user id, "none" or ""
    overdue: bool = False
    q: str = ""
    since: date | None = None
    until: date | None = None


def local_start(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=BANGKOK)


def search(services: Services, who: Person, f: Filters,
           now: datetime | None = None) -> list[tuple[Complaint, deadlines.Deadlines]]:
    """Newest first, only what `who` may see; each with its deadlines."""
    now = now or utcnow()
    query = select(Complaint).options(selectinload(Complaint.evidence)).order_by(Complaint.created_at.desc(),
                                                                                 Complaint.id.desc())
    if who.role == "staff":
        query = query.where(Complaint.category.not_in(corruption_categories(services)))
    elif who.role == "integrity":
        query = query.where(Complaint.category.in_(corruption_categories(services)))
    elif not who.is_admin:
        return []  # an editor, or a role added later: no complaint until it is given one
    if f.status:
        query = query.where(Complaint.status == f.status)
    if f.category:
        query = query.where(Complaint.category == f.category)
    if f.channel:
        query = query.where(Complaint.channel == f.channel)
    if f.assignee == "none":
        query = query.where(Complaint.assignee_id.is_(None))
    elif f.assignee.isdigit():
        query = query.where(Complaint.assignee_id == int(f.assignee))
    if f.since:
        query = query.where(Complaint.created_at >= local_start(f.since))
    if f.until:
        query = query.where(Complaint.created_at < local_start(f.until + timedelta(days=1)))
    if f.q.strip():
        term = f"%{f.q.strip()}%"
        query = query.where(or_(Complaint.code.ilike(term), Complaint.details.ilike(term)))
    with services.db.session() as s:
        rows = [(c, deadlines.of(services, c, now)) for c in s.scalars(query)]
    return [r for r in rows if r[1].overdue] if f.overdue else rows


def assignee_names(services: Services) -> dict[int, str]:
    with services.db.session() as s:
        return {u.id: u.username for u in s.scalars(select(ConsoleUser))}


def assign(services: Services, who: Person, code: str, user_id: int | None) -> str | None:
    with services.db.session() as s:
        complaint = s.scalar(select(Complaint).where(Complaint.code == code))
        user = s.get(ConsoleUser, user_id) if user_id else None
        if complaint is None or (user_id and (user is None or not user.active)):
            return None
        if user is not None and not may_handle(user.role, complaint.category in corruption_categories(services)):
            return None  # they could not even open it
        complaint.assignee_id = user.id if user else None
        name = user.username if user else "ไม่มีผู้รับผิดชอบ"
        audit.record(s, who.username, "complaint_assigned", complaint=code, detail=name)
        return name


def add_note(services: Services, who: Person, complaint: Complaint, text: str) -> None:
    """A note for colleagues only: stored apart from the history the reporter is told."""
    with services.db.session() as s:
        s.add(ComplaintNote(complaint_id=complaint.id, author=who.username, text=text, created_at=utcnow()))
        audit.record(s, who.username, "complaint_note", complaint=complaint.code)


def notes(services: Services, complaint: Complaint) -> list[ComplaintNote]:
    with services.db.session() as s:
        return list(s.scalars(select(ComplaintNote).where(ComplaintNote.complaint_id == complaint.id)
                              .order_by(ComplaintNote.id)))


def unrouted_reports(services: Services) -> list[Complaint]:
    """Open corruption reports no staff alert was queued for: the console is their only way in."""
    with services.db.session() as s:
        return [c for c in alerts.unrouted_corruption_reports(s, services) if c.closed_at is None]

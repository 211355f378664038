"""The audit log: who viewed which corruption report, changed, assigned, noted, exported, sent or
cancelled what, and every sign-in. Rows are only ever added (see models.AuditEntry)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage import utcnow

from .models import AuditEntry

if TYPE_CHECKING:
    from bot.services import Services


def record(session: Session, username: str | None, action: str, complaint: str | None = None,
           detail: str | None = None, now: datetime | None = None) -> None:
    session.add(AuditEntry(at=now or utcnow(), username=username, action=action, complaint_code=complaint,
                           detail=detail))


def log(services: Services, username: str | None, action: str, complaint: str | None = None,
        detail: str | None = None, now: datetime | None = None) -> None:
    """One entry in a transaction of its own: kept whatever the caller's work does next."""
    with services.db.session() as s:
        record(s, username, action, complaint, detail, now)


def entries(services: Services, since: datetime | None = None, limit: int | None = None) -> list[dict]:
    with services.db.session() as s:
        query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if limit:
            query = query.limit(limit)
        return [{"at": e.at.isoformat(timespec="seconds"), "user": e.username, "action": e.action,
                 "complaint": e.complaint_code, "detail": e.detail} for e in s.scalars(query)]

"""Revision counters: every change to the office's answers or ITA years raises its topic's counter in
the change's own transaction, and every process reloads when the counter it last saw is behind."""
from __future__ import annotations

from sqlalchemy import select, update

from .models import OfficeRevision

ANSWERS, ITA = "answers", "ita"


def bump(session, topic: str) -> None:
    """Raise the topic's counter (creating it at 1) in the caller's transaction."""
    raised = session.execute(update(OfficeRevision).where(OfficeRevision.topic == topic)
                             .values(revision=OfficeRevision.revision + 1)).rowcount
    if not raised:
        session.add(OfficeRevision(topic=topic, revision=1))


def current(conn) -> dict[str, int]:
    return dict(conn.execute(select(OfficeRevision.topic, OfficeRevision.revision)).all())

"""The reporter's side: the one module that reads or writes `ComplaintReporter`.

It records who filed a complaint, answers "is this person the reporter?" for tracking and the daily
limit, and tells the reporter about status changes. Staff views never come through here, which is what
keeps an anonymous report anonymous.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.channels.platforms import DeliveryError
from bot.core.messages import QuickReply, Text

from . import content as cc
from . import outbox
from .content import CLOSED
from .models import Complaint, ComplaintReporter


def link(session: Session, complaint: Complaint, channel: str, user_id: str, now: datetime) -> None:
    session.add(ComplaintReporter(complaint_id=complaint.id, channel=channel, user_id=user_id, created_at=now))


def is_reporter(session: Session, complaint_id: int, channel: str, user_id: str) -> bool:
    row = session.get(ComplaintReporter, complaint_id)
    return row is not None and row.channel == channel and row.user_id == user_id


def filed_since(session: Session, channel: str, user_id: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(ComplaintReporter).where(
        ComplaintReporter.channel == channel, ComplaintReporter.user_id == user_id,
        ComplaintReporter.created_at >= since)) or 0


def forget(session: Session, complaint_ids: list[int]) -> int:
    if not complaint_ids:
        return 0
    return session.execute(delete(ComplaintReporter)
                           .where(ComplaintReporter.complaint_id.in_(complaint_ids))).rowcount


def reporter_account(services, complaint_id: int) -> tuple[str, str]:
    """(channel, user id) to push to; the link is gone once personal data was purged."""
    with services.db.session() as s:
        row = s.get(ComplaintReporter, complaint_id)
        if row is None:
            raise DeliveryError(f"complaint {complaint_id} has no reporter account (anonymised)", retryable=False)
        return row.channel, row.user_id


def status_message(services, complaint: Complaint, note: str | None) -> list[Text]:
    say = lambda key, **v: cc.say(services, key, **v)  # noqa: E731
    lines = [say("status_changed", code=complaint.code, status=cc.of(services).status_label(complaint.status))]
    if note:
        lines.append(say("status_note", note=note))
    replies = [Text("\n".join(lines))]
    if complaint.status in CLOSED:
        replies.append(Text(say("status_closed_feedback"),
                            (QuickReply(say("btn_feedback"), say("btn_feedback")),)))
    return replies


def notify_status(services, session: Session, complaint: Complaint, note: str | None, now: datetime) -> None:
    """Queue the status notice in the caller's transaction; delivered by the outbox."""
    from .delivery import pack

    if session.get(ComplaintReporter, complaint.id) is None:
        return  # nobody to tell (personal data already purged)
    outbox.enqueue(session, "reporter", str(complaint.id), pack(status_message(services, complaint, note)),
                   purpose="status", ref=complaint.code, now=now)

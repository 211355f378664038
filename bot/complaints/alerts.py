"""Staff alerts for a new complaint: who gets one (routing in content), and what it says.

Corruption reports (categories of the integrity unit) go only to the integrity unit's targets: its own in
content, else INTEGRITY_LINE_TARGETS / INTEGRITY_ALERT_EMAILS; never to the general staff group, where
the accused may sit. With none, nothing is sent and the report waits in the console (`unrouted`).

A LINE group's history outlives its membership, so LINE alerts carry only the code, the category, the
time and the console link; e-mails carry the details only for other categories. No alert ever carries a
platform user id or profile. Beyond `limits.alerts_per_hour` alerts to one target in an hour, the rest
of that hour go out as one digest, so a flood of filings does not flood staff.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.channels import registry
from bot.core.messages import Text
from bot.core.textcut import clip
from bot.thaitime import thai_datetime

from . import content as cc
from bot.outbox import rows as outbox_rows
from bot.outbox.models import OutboxMessage
from .models import Complaint
from bot.outbox.rows import pack

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

DETAILS_IN_ALERT = 1500
CHANNEL_NAMES = {**{name: registry.label(name) for name in registry.names()}, "cli": "ระบบ"}
DIGEST_WINDOW = timedelta(hours=1)
DIGEST_CODES = 50
DIGEST_ITEM = "staff_digest_item"  # a code held for the digest (status "held", never sent by itself)


def targets(services: Services, category: str) -> tuple[list[str], list[str]]:
    """(LINE ids, e-mail addresses) for a category: its unit's own, else the defaults from settings —
    the integrity settings for corruption reports, which never fall back to the general ones."""
    return unit_targets(services, cc.of(services).category(category).unit)


def unit_targets(services: Services, unit_key: str) -> tuple[list[str], list[str]]:
    """(LINE ids, e-mail addresses) of a unit: its own, else the defaults (the integrity ones for an
    integrity unit, never the general ones)."""
    settings = services.settings
    unit = cc.of(services).units[unit_key]
    if unit.integrity:
        return (list(unit.line_targets or settings.integrity_line_targets),
                list(unit.emails or settings.integrity_alert_emails))
    return (list(unit.line_targets or settings.staff_line_targets), list(unit.emails or settings.alert_emails))


def integrity_unrouted(services: Services) -> bool:
    """Whether corruption reports would reach nobody (the start-up warning)."""
    content = cc.of(services)
    return any(not any(targets(services, c.id)) for c in content.categories if content.is_integrity(c.id))


UNROUTED_WARNING = ("corruption reports reach nobody: set INTEGRITY_LINE_TARGETS or INTEGRITY_ALERT_EMAILS "
                    "(or the integrity unit's targets in content/complaints.yaml); they are never sent to "
                    "STAFF_LINE_TARGETS or ALERT_EMAILS and wait in the console until then")


def warn_if_unrouted(services: Services) -> bool:
    """Log the warning every process start needs while corruption reports have no targets."""
    if integrity_unrouted(services):
        log.warning(UNROUTED_WARNING)
        return True
    return False


def unrouted_corruption_reports(session: Session, services: Services) -> list[Complaint]:
    """Corruption reports no staff alert was queued for (no targets at filing), newest first: the console
    shows these to the integrity unit."""
    content = cc.of(services)
    protected = [c.id for c in content.categories if content.is_integrity(c.id)]
    alerted = select(OutboxMessage.ref).where(OutboxMessage.purpose.in_(("staff_alert", DIGEST_ITEM)),
                                              OutboxMessage.ref.is_not(None))
    return list(session.scalars(select(Complaint).where(Complaint.category.in_(protected),
                                                        Complaint.code.not_in(alerted))
                                .order_by(Complaint.created_at.desc(), Complaint.id.desc())))


def console_link(services: Services, code: str) -> str:
    return f"{services.settings.public_base_url}/console/complaints/{code}"


def reporter_line(services: Services, complaint: Complaint) -> str:
    if complaint.anonymous or not complaint.reporter_name:
        return cc.say(services, "anonymous")
    return cc.say(services, "named", name=complaint.reporter_name, phone=complaint.reporter_phone or "-")


def private_text(services: Services, complaint: Complaint) -> str:
    """Code, category, time and console link: nothing about what was reported or by whom."""
    return cc.say(services, "alert_private", code=complaint.code,
                  category=cc.of(services).category_label(complaint.category),
                  time=thai_datetime(complaint.created_at), link=console_link(services, complaint.code))


def alert_text(services: Services, complaint: Complaint, evidence_count: int) -> str:
    """The full alert (details, evidence, reporter): e-mail of a non-corruption complaint only."""
    content = cc.of(services)
    details = clip(complaint.details, DETAILS_IN_ALERT, one_line=False)
    evidence = (cc.say(services, "evidence_count", count=evidence_count) if evidence_count
                else cc.say(services, "no_evidence"))
    if complaint.location:
        evidence += f" + {cc.say(services, 'label_location')}"
    return cc.say(services, "alert", code=complaint.code, category=content.category_label(complaint.category),
                  reporter=reporter_line(services, complaint), channel=CHANNEL_NAMES.get(complaint.channel,
                                                                                        complaint.channel),
                  evidence=evidence, details=details)


def hold_target(session: Session, channel: str, to: str) -> None:
    """Until this transaction ends, other filings wait here before counting the target's alerts: without it
    two filings at once on PostgreSQL (other workers or instances) both count 9 of 10 and both send a single
    alert. SQLite needs none: the filing has written its complaint by then, which holds the database's one
    write lock."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.blake2b(f"staff-alert:{channel}:{to}".encode(), digest_size=8).digest(),
                             "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def window_start(session: Session, channel: str, to: str, now: datetime) -> tuple[int, datetime | None]:
    """How many single alerts this target got in the last hour, and when the first of them was queued."""
    hold_target(session, channel, to)
    count, first = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.channel == channel, OutboxMessage.target == to, OutboxMessage.purpose == "staff_alert",
            OutboxMessage.created_at > now - DIGEST_WINDOW)).one()
    if first is not None and not isinstance(first, datetime):  # SQLite aggregates lose the column type
        first = datetime.fromisoformat(str(first))
    if first is not None and first.tzinfo is None:
        first = first.replace(tzinfo=timezone.utc)
    return count or 0, first


def digest_payload(services: Services, channel: str, codes: list[str], since: datetime, until: datetime) -> dict:
    shown = "\n".join(codes[:DIGEST_CODES]) + (" …" if len(codes) > DIGEST_CODES else "")
    text = cc.say(services, "alert_digest", count=len(codes), codes=shown, since=thai_datetime(since),
                  until=thai_datetime(until), link=f"{services.settings.public_base_url}/console/complaints/")
    if channel == "email":
        return {"subject": cc.say(services, "alert_digest_subject", count=len(codes)), "body": text, "codes": codes}
    return {**pack([Text(text)]), "codes": codes}


def queue_digest(services: Services, session: Session, channel: str, to: str, code: str, first: datetime,
                 now: datetime) -> None:
    """Hold the code for the target's digest, sent when the hour of single alerts is over. Insert-only
    (a held row per code, one digest row per target and hour), so concurrent filings never wait on each
    other; the digest gathers its held codes when it is sent (`gather_digest`)."""
    outbox_rows.enqueue(session, channel, to, {}, purpose=DIGEST_ITEM, ref=code, now=now).status = "held"
    due = first + DIGEST_WINDOW
    pending = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.target == to, OutboxMessage.purpose == "staff_digest",
        OutboxMessage.status == "pending", OutboxMessage.next_attempt_at > now))
    if not pending:
        row = outbox_rows.enqueue(session, channel, to, {"codes": []}, purpose="staff_digest", now=now)
        row.next_attempt_at = due


def gather_digest(services: Services, row_id: int) -> dict | None:
    """Before a digest is sent: move the target's held codes into it (once; a retry resends the same
    text). None when another digest row took them all (nothing to send)."""
    with services.db.session() as s:
        row = s.get(OutboxMessage, row_id)
        items = list(s.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == row.channel, OutboxMessage.target == row.target,
            OutboxMessage.purpose == DIGEST_ITEM, OutboxMessage.status == "held").order_by(OutboxMessage.id)
            .with_for_update()))
        codes = list(row.payload.get("codes", [])) + [i.ref for i in items]
        for item in items:
            item.status = "digested"
        if not codes:
            return None
        if items:
            since = min([row.created_at] + [i.created_at for i in items])
            row.payload = digest_payload(services, row.channel, codes, since, row.next_attempt_at)
        return dict(row.payload)


def queue_new_complaint(services: Services, session: Session, complaint: Complaint, evidence_count: int,
                        now: datetime) -> int:
    """Queue one outbox message per target, in the complaint's own transaction; returns how many."""
    line_ids, emails = targets(services, complaint.category)
    protected = cc.of(services).is_integrity(complaint.category)
    if not line_ids and not emails:
        if protected:
            log.warning("corruption report %s is unrouted: it waits in the console (set INTEGRITY_LINE_TARGETS "
                        "or INTEGRITY_ALERT_EMAILS)", complaint.code)
        else:
            log.warning("complaint %s alerts nobody: set STAFF_LINE_TARGETS or ALERT_EMAILS (or the unit's "
                        "targets in complaints.yaml)", complaint.code)
    short = private_text(services, complaint)
    mail_body = short if protected else alert_text(services, complaint, evidence_count)
    subject = cc.say(services, "alert_subject", code=complaint.code,
                     category=cc.of(services).category_label(complaint.category))
    per_hour = cc.of(services).limits.alerts_per_hour
    messages = [("line", to, pack([Text(short)])) for to in line_ids] + \
               [("email", to, {"subject": subject, "body": mail_body}) for to in emails]
    for channel, to, payload in sorted(messages, key=lambda m: m[:2]):  # targets held in one order: no deadlock
        count, first = window_start(session, channel, to, now)
        if count >= per_hour and first is not None:
            queue_digest(services, session, channel, to, complaint.code, first, now)
        else:
            outbox_rows.enqueue(session, channel, to, payload, purpose="staff_alert", ref=complaint.code, now=now)
    return len(messages)


def send_digest(services: Services, row: OutboxMessage) -> None:
    """A staff digest row: its codes gathered at send time, then sent on its channel (LINE or e-mail)."""
    from bot.outbox import senders

    payload = gather_digest(services, row.id)
    if payload is None:
        return  # its codes went out in another digest
    row.payload = payload
    senders.send_on_channel(services, row)

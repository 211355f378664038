"""The daily digest of overdue complaints: once a working day, each unit's targets get the codes of their
open complaints past a deadline (acknowledge or resolve, in working days). Like every alert it carries the
code, the category and the deadline, never the details or the reporter; corruption reports go only to the
integrity unit's targets (`alerts.targets`). Queued through the outbox, once per target and day."""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.core.messages import Text
from bot.storage import utcnow
from bot.thaitime import local, thai_date

from bot.outbox import rows as outbox_rows
from bot.outbox.models import OutboxMessage
from bot.outbox.rows import pack

from . import alerts, deadlines
from . import content as cc
from .models import Complaint

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

JOB = "overdue-digest"
PURPOSE = "overdue_digest"


def overdue_by_unit(services: Services, now: datetime) -> dict[str, list[tuple[Complaint, deadlines.Deadlines]]]:
    """Open cases past a deadline, by the unit handling each (a forwarded case's new unit)."""
    content = cc.of(services)
    with services.db.session() as s:
        open_ones = s.scalars(select(Complaint).where(Complaint.closed_at.is_(None)).order_by(Complaint.created_at))
        found: dict[str, list] = defaultdict(list)
        for complaint in open_ones:
            due = deadlines.of(services, complaint, now)
            if due.overdue:
                found[content.unit_key(complaint)].append((complaint, due))
        return found


def digest_text(services: Services, items: list[tuple[Complaint, deadlines.Deadlines]], now: datetime) -> str:
    content = cc.of(services)
    lines = [cc.say(services, "overdue_digest_item", code=c.code, category=content.category_label(c.category),
                    what=d.overdue_what, due=thai_date(d.due), late=d.late_days)
             for c, d in items]
    return cc.say(services, "overdue_digest", count=len(items), date=thai_date(local(now).date()),
                  items="\n".join(lines), link=f"{services.settings.public_base_url}/console/complaints/?overdue=1")


def queue_overdue_digests(services: Services, now: datetime | None = None) -> int:
    """Queue today's digests (none on a weekend or holiday, none twice a day for a target); returns how many."""
    now = now or utcnow()
    today = local(now).date()
    if not deadlines.is_working_day(services, today):
        return 0
    per_target: dict[tuple[str, str], list] = defaultdict(list)
    for unit, items in overdue_by_unit(services, now).items():
        line_ids, emails = alerts.unit_targets(services, unit)
        for to in line_ids:
            per_target[("line", to)].extend(items)
        for to in emails:
            per_target[("email", to)].extend(items)
    ref = f"overdue:{today.isoformat()}"
    queued = 0
    with services.db.session() as s:
        done = {(r.channel, r.target) for r in s.scalars(
            select(OutboxMessage).where(OutboxMessage.purpose == PURPOSE, OutboxMessage.ref == ref))}
        for (channel, to), items in per_target.items():
            if (channel, to) in done:
                continue
            items.sort(key=lambda pair: pair[0].created_at)
            text = digest_text(services, items, now)
            if channel == "line":
                payload = pack([Text(text)])
            else:
                payload = {"subject": cc.say(services, "overdue_digest_subject", count=len(items)), "body": text}
            outbox_rows.enqueue(s, channel, to, payload, purpose=PURPOSE, ref=ref, now=now)
            queued += 1
    log.info("overdue digest: %s message(s) queued", queued)
    return queued


def add_overdue_job(scheduler, services: Services) -> None:
    """A daily job of the clock process at `overdue_digest_at` (Thailand time)."""
    from bot.retention_jobs import daily_at

    scheduler.add_job(queue_overdue_digests, daily_at(cc.of(services).overdue_digest_at), args=[services], id=JOB,
                      jobstore="memory", misfire_grace_time=3600, coalesce=True, replace_existing=True)

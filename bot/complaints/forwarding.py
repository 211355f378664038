"""Moving a case: to another unit of the office (its targets alerted), or out to another agency (the
office's handling ends there, and the reporter is told where to follow it).

A corruption report moves only between integrity units, and a general complaint only between general ones:
who may see a case in the console follows its category, so a general complaint in the integrity unit's
hands would still be open to general staff, and a corruption report must never reach them.
Like `service.set_status`, the notices are queued in the change's commit; the caller delivers them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.messages import Text
from bot.storage import utcnow

from . import content as cc
from . import notifier, service
from .models import Complaint, ComplaintEvent
from .resolution import alert_unit

if TYPE_CHECKING:
    from bot.services import Services

AGENCY_MAX, CONTACT_MAX = 200, 300


class Refused(ValueError):
    """A forwarding that may not happen; the message (Thai) says why, for the CLI and the console."""


@dataclass(frozen=True)
class Forwarded:
    complaint: Complaint
    to: str  # the unit's or the agency's name
    alerted: int  # staff messages queued


def units_for(services: Services, complaint: Complaint) -> dict[str, str]:
    """The units this case may move to (key: name): of the same clearance, other than its own."""
    content = cc.of(services)
    protected = content.is_integrity(complaint.category)
    own = content.unit_key(complaint)
    return {k: u.name for k, u in content.units.items() if u.integrity == protected and k != own}


def to_unit(services: Services, code: str, unit: str, now: datetime | None = None) -> Forwarded:
    now = now or utcnow()
    content = cc.of(services)
    with services.db.session() as s:
        complaint = _open(s, code)
        if unit not in content.units:
            raise Refused(f"ไม่มีหน่วยงาน {unit} (มี: {', '.join(content.units)})")
        if unit == content.unit_key(complaint):
            raise Refused(f"เรื่อง {complaint.code} อยู่ที่{content.units[unit].name}อยู่แล้ว")
        if unit not in units_for(services, complaint):
            raise Refused("เรื่องทุจริตส่งต่อได้เฉพาะหน่วยงานที่ดูแลเรื่องทุจริตเท่านั้น"
                          if content.is_integrity(complaint.category) else
                          "เรื่องทั่วไปส่งต่อได้เฉพาะหน่วยงานทั่วไป (สิทธิ์การเห็นเรื่องในระบบเจ้าหน้าที่เป็นไปตามหัวข้อเรื่อง)")
        name = content.units[unit].name
        complaint.unit, complaint.updated_at = unit, now
        complaint.events.append(ComplaintEvent(status=complaint.status, created_at=now,
                                               note=cc.say(services, "forward_note_unit", unit=name)))
        notifier.notify(services, s, complaint, [Text(cc.say(services, "forwarded_unit", code=complaint.code,
                                                             unit=name))], now, purpose="forwarded")
        alerted = alert_unit(services, s, complaint, unit, "forward_alert", "forward_alert_subject", now)
    return Forwarded(complaint, name, alerted)


def to_agency(services: Services, code: str, agency: str, contact: str | None = None,
              now: datetime | None = None) -> Forwarded:
    """The case leaves the office: closed as ended here (ยุติเรื่อง), the agency and contact kept."""
    now = now or utcnow()
    agency, contact = " ".join((agency or "").split()), " ".join((contact or "").split()) or None
    if not agency or len(agency) > AGENCY_MAX:
        raise Refused(f"กรุณาระบุชื่อหน่วยงานที่ส่งต่อ (ไม่เกิน {AGENCY_MAX} ตัวอักษร)")
    if contact and len(contact) > CONTACT_MAX:
        raise Refused(f"ช่องทางติดตามยาวเกิน {CONTACT_MAX} ตัวอักษร")
    say = lambda key, **v: cc.say(services, key, **v)  # noqa: E731
    with services.db.session() as s:
        complaint = _open(s, code)
        complaint.forwarded_agency, complaint.forwarded_contact = agency, contact
        complaint.status, complaint.updated_at, complaint.closed_at = "rejected", now, now
        complaint.events.append(ComplaintEvent(status="rejected", created_at=now,
                                               note=say("forward_note_agency", agency=agency)))
        follow = say("forwarded_follow", contact=contact) if contact else say("forwarded_follow_agency", agency=agency)
        text = say("forwarded_agency", code=complaint.code, agency=agency) + "\n" + follow
        notifier.notify(services, s, complaint, [Text(text)], now, purpose="forwarded")
    return Forwarded(complaint, agency, 0)


def _open(session, code: str) -> Complaint:
    complaint = service.load(session, code)
    if complaint is None:
        raise service.NotFound(code)
    if complaint.closed_at is not None:
        raise Refused(f"เรื่อง {complaint.code} ปิดแล้ว ส่งต่อไม่ได้")
    return complaint

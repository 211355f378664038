"""Staff alerts for a new complaint: who gets one (routing in content), and what it says.

An alert is built from the staff view of the complaint only: code, category, details, evidence count and,
for a named complaint, the name and phone the reporter consented to give. It never carries a platform
user id or profile, anonymous or not.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.messages import Text

from . import content as cc
from . import outbox
from .delivery import pack
from .models import Complaint

log = logging.getLogger(__name__)

DETAILS_IN_ALERT = 1500
CHANNEL_NAMES = {"line": "LINE", "facebook": "Facebook Messenger", "web": "เว็บไซต์", "cli": "ระบบ"}


def targets(services, category: str) -> tuple[list[str], list[str]]:
    """(LINE ids, e-mail addresses) for a category: its unit's own, else the defaults from settings."""
    content = cc.of(services)
    unit = content.units[content.category(category).unit]
    settings = services.settings
    return (list(unit.line_targets or settings.staff_line_targets), list(unit.emails or settings.alert_emails))


def reporter_line(services, complaint: Complaint) -> str:
    if complaint.anonymous or not complaint.reporter_name:
        return cc.say(services, "anonymous")
    return cc.say(services, "named", name=complaint.reporter_name, phone=complaint.reporter_phone or "-")


def alert_text(services, complaint: Complaint, evidence_count: int) -> str:
    content = cc.of(services)
    details = complaint.details
    if len(details) > DETAILS_IN_ALERT:
        details = details[:DETAILS_IN_ALERT] + " …"
    evidence = (cc.say(services, "evidence_count", count=evidence_count) if evidence_count
                else cc.say(services, "no_evidence"))
    if complaint.location:
        evidence += f" + {cc.say(services, 'label_location')}"
    return cc.say(services, "alert", code=complaint.code, category=content.category_label(complaint.category),
                  reporter=reporter_line(services, complaint), channel=CHANNEL_NAMES.get(complaint.channel,
                                                                                        complaint.channel),
                  evidence=evidence, details=details)


def queue_new_complaint(services, session: Session, complaint: Complaint, evidence_count: int,
                        now: datetime) -> int:
    """Queue one outbox message per target, in the complaint's own transaction; returns how many."""
    line_ids, emails = targets(services, complaint.category)
    if not line_ids and not emails:
        log.warning("complaint %s alerts nobody: set STAFF_LINE_TARGETS or ALERT_EMAILS (or the unit's targets "
                    "in complaints.yaml)", complaint.code)
    text = alert_text(services, complaint, evidence_count)
    subject = cc.say(services, "alert_subject", code=complaint.code,
                     category=cc.of(services).category_label(complaint.category))
    for to in line_ids:
        outbox.enqueue(session, "line", to, pack([Text(text)]), purpose="staff_alert", ref=complaint.code, now=now)
    for to in emails:
        outbox.enqueue(session, "email", to, {"subject": subject, "body": text}, purpose="staff_alert",
                       ref=complaint.code, now=now)
    return len(line_ids) + len(emails)

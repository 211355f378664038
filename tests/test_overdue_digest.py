"""The daily digest of overdue complaints (issue 14): once a working day, each unit's targets get the codes
of their overdue complaints, never the details; corruption reports only to the integrity unit."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from bot.complaints import overdue
from bot.outbox.worker import deliver_due
from bot.complaints.models import Complaint
from tests.complaint_helpers import STAFF_GROUP, Person, code_in, push_texts, settings, smtp, wait_idle  # noqa: F401

INTEGRITY_GROUP = "Cintegritygroup00000000000000001"
# Tuesday 15 December 2026, 08:00 in Thailand: a working day
WORKDAY = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)


def backdate(services, code: str, days: int) -> None:
    with services.db.session() as s:
        s.execute(update(Complaint).where(Complaint.code == code).values(created_at=WORKDAY - timedelta(days=days)))


def test_overdue_complaints_reach_their_units_once_a_working_day_without_details(bot, services, line_api):
    services.settings = services.settings.replace(integrity_line_targets=(INTEGRITY_GROUP,))
    p = Person(bot, "U-overdue-1")
    for text in ("ร้องเรียนการให้บริการ", "รอใบรับรองเงินเดือนมาสามสัปดาห์แล้ว", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        p.says(text)
    late = code_in(p.says("ยืนยันส่งเรื่อง"))
    corrupt = code_in(Person(bot, "U-overdue-2").files_anonymous_corruption(image=False))
    fresh = code_in(Person(bot, "U-overdue-3").files_anonymous_corruption(image=False))
    backdate(services, late, 20)
    backdate(services, corrupt, 20)
    backdate(services, fresh, 0)
    wait_idle(services)  # the new-complaint alerts are out before the digest is counted
    before_staff, before_integrity = push_texts(line_api, STAFF_GROUP), push_texts(line_api, INTEGRITY_GROUP)

    assert overdue.queue_overdue_digests(services, WORKDAY) >= 2
    assert overdue.queue_overdue_digests(services, WORKDAY + timedelta(hours=2)) == 0  # once a day
    deliver_due(services, WORKDAY + timedelta(minutes=1))

    staff = push_texts(line_api, STAFF_GROUP)[len(before_staff):]
    integrity = push_texts(line_api, INTEGRITY_GROUP)[len(before_integrity):]
    assert late in staff and "เกินกำหนด" in staff and corrupt not in staff  # the accused may sit there
    assert corrupt in integrity and fresh not in integrity and late not in integrity
    assert "สามสัปดาห์" not in staff and "/console/complaints" in staff  # codes and a link, never details


def test_no_digest_on_a_weekend(bot, services):
    saturday = datetime(2026, 12, 19, 1, 0, tzinfo=timezone.utc)
    code = code_in(Person(bot, "U-overdue-4").files_anonymous_corruption(image=False))
    backdate(services, code, 30)
    assert overdue.queue_overdue_digests(services, saturday) == 0

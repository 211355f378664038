"""The ITA evidence pack for a fiscal year (Buddhist era, October to September): console page, printable
HTML, CSV and JSON from `python -m bot evidence`; and the what-if page computed by scoring/."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from sqlalchemy import update

from bot.complaints import service
from bot.complaints.models import Complaint
from bot.feedback.models import Feedback
from tests.complaint_helpers import Person, code_in, settings, smtp  # noqa: F401
from tests.console_helpers import console, console_app, signed_in  # noqa: F401
from tests.test_complaint_cli import cli  # noqa: F401
from tests.test_console_inbox import file_service_complaint


def test_evidence_pack_counts_a_fiscal_year_by_month_and_keeps_corruption_apart(console_app, bot, services, cli):
    general = file_service_complaint(bot, "U-ev-1", "รอใบรับรองมาสามสัปดาห์แล้วยังไม่ได้")
    corruption = code_in(Person(bot, "U-ev-2").files_anonymous_corruption(image=False))
    outside = file_service_complaint(bot, "U-ev-3", "เรื่องนี้เกิดเมื่อปีก่อนแล้วยังไม่มีใครตอบ")
    with services.db.session() as s:
        for code, when in ((general, datetime(2025, 11, 3, 3, tzinfo=timezone.utc)),
                           (corruption, datetime(2026, 1, 5, 3, tzinfo=timezone.utc)),
                           (outside, datetime(2025, 9, 30, 3, tzinfo=timezone.utc))):  # fiscal year 2568
            s.execute(update(Complaint).where(Complaint.code == code).values(created_at=when))
        s.add_all([Feedback(rating=5, channel="line", created_at=datetime(2025, 12, 1, tzinfo=timezone.utc)),
                   Feedback(rating=3, channel="web", created_at=datetime(2026, 2, 1, tzinfo=timezone.utc))])
    service.set_status(services, general, "resolved", now=datetime(2025, 11, 7, 3, tzinfo=timezone.utc))

    pack = json.loads(cli("evidence", "--fiscal-year", "2569", "--json")[1])
    assert pack["from"] == "2025-10-01" and pack["to"] == "2026-10-01" and len(pack["complaints"]["by_month"]) == 12
    assert pack["complaints"]["total"] == 1 and pack["complaints"]["completed"] == 1
    assert pack["complaints"]["median_days_to_close"] == 4.0
    assert pack["corruption"]["total"] == 1 and pack["corruption"]["in_progress"] == 1
    months = {m["month"]: m["total"] for m in pack["complaints"]["by_month"]}
    assert months["2568-11"] == 1 and months["2569-01"] == 0
    assert pack["satisfaction"]["count"] == 2 and pack["satisfaction"]["mean"] == 4.0

    half = json.loads(cli("evidence", "--fiscal-year", "2569", "--from", "2568-10-01", "--to", "2568-12-31",
                          "--json")[1])
    assert half["corruption"]["total"] == 0 and len(half["corruption"]["by_month"]) == 3
    rows = list(csv.reader(io.StringIO(cli("evidence", "--fiscal-year", "2569", "--csv")[1])))
    assert ["เรื่องร้องเรียนทั่วไป", "2568-11", "1", "1", "0"] in rows
    html = cli("evidence", "--fiscal-year", "2568", "--html")[1]
    assert "@media print" in html and "ปีงบประมาณ พ.ศ. 2568" in html and "Sarabun" in html
    assert "ไม่มีเรื่องร้องเรียน" in html.split('id="pack-corruption"')[1]
    assert cli("evidence", "--fiscal-year", "2569", "--from", "2569-03-31", "--to", "2568-10-01")[0] == 1

    page = signed_in(console_app, "staff").get("/console/evidence?fiscal_year=2569").get_data(as_text=True)
    assert "ปีงบประมาณ พ.ศ. 2569" in page and "1 ตุลาคม 2568 ถึง 30 กันยายน 2569" in page
    assert "พฤศจิกายน 2568" in page and "2025" not in page


def test_what_if_page_recomputes_total_and_level_with_scoring(console_app):
    from scoring import year_result
    from scoring.whatif import plan_to_level, what_if
    from decimal import Decimal

    client = signed_in(console_app, "staff")
    ita = console_app.extensions["services"].content.ita
    page = client.get("/console/what-if").get_data(as_text=True)
    year = max(y for y, f in ita.years.items() if f.indicators)
    base = year_result(ita, year)
    assert f"{base.total:.2f}" in page and base.grade.level in page
    plan = plan_to_level(ita, year)
    if plan.raises:
        assert f"{plan.floor:.2f}" in page.split('id="plan"')[1]
    low = min(base.indicators, key=lambda i: i.score)
    changed = client.get(f"/console/what-if?i{low.number}=100").get_data(as_text=True)
    expected = what_if(ita, year, {low.number: Decimal(100)})
    assert f"{expected.total:.2f}" in changed.split('id="whatif-result"')[1].split("</p>")[0]
    replanned = plan_to_level(ita, year, changes={low.number: Decimal(100)})  # the lift from the inputs
    if replanned.raises:
        assert f"{replanned.floor:.2f}" in changed.split('id="plan"')[1]
    assert client.get(f"/console/what-if?i{low.number}=120").status_code == 400

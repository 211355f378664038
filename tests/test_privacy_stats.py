"""General staff, among whom the accused may sit, never see corruption reports counted by month (a new
one in this month's count would tell them a report was just filed): the console's statistics show them
general complaints only, the integrity unit corruption reports only, an admin both apart; the ITA evidence
pack, which counts corruption reports by month, is not theirs either. A year is typed in either era."""
from __future__ import annotations

import pytest

from bot.storage import utcnow
from bot.thaitime import BE_OFFSET, THAI_MONTHS, local
from tests.complaint_helpers import Person, code_in, settings, smtp  # noqa: F401
from tests.console_helpers import console_app, signed_in  # noqa: F401
from tests.test_console_inbox import file_service_complaint

CORRUPTION_LABEL = "ทุจริต/ประพฤติมิชอบ"  # the test office's corruption category


@pytest.fixture
def filed(bot):
    """One general complaint and two corruption reports, filed this month."""
    file_service_complaint(bot, "U-stats-1", "ขอเอกสารรับรองมาสามสัปดาห์ยังไม่ได้")
    for user in ("U-stats-2", "U-stats-3"):
        code_in(Person(bot, user).files_anonymous_corruption(image=False))


def this_month() -> str:
    now = local(utcnow())
    return f"{THAI_MONTHS[now.month - 1]} {now.year + BE_OFFSET}"


def month_row(section: str) -> str:
    return section.split(f"<td>{this_month()}</td>")[1].split("</tr>")[0]


def test_general_staff_see_general_complaints_only(console_app, filed):
    staff = signed_in(console_app, "staff")
    page = staff.get("/console/stats").get_data(as_text=True)
    assert 'id="stats-general"' in page and 'id="stats-corruption"' not in page
    assert "ทั้งหมด <strong>1</strong>" in page and month_row(page) == "<td>1</td>"
    assert CORRUPTION_LABEL not in page and "ทุจริต" not in page.split("</nav>")[-1]
    assert staff.get("/console/evidence").status_code == 403  # the pack counts corruption reports by month
    assert "หลักฐาน ITA" not in page  # nor is it in their menu


def test_the_integrity_unit_sees_corruption_reports_only(console_app, filed):
    integrity = signed_in(console_app, "integrity")
    page = integrity.get("/console/stats").get_data(as_text=True)
    assert 'id="stats-corruption"' in page and 'id="stats-general"' not in page
    assert "ทั้งหมด <strong>2</strong>" in page and month_row(page) == "<td>2</td>"
    assert CORRUPTION_LABEL in page and "การให้บริการ" not in page.split("</nav>")[-1]
    assert integrity.get("/console/evidence").status_code == 200


def test_an_admin_sees_both_apart(console_app, filed):
    page = signed_in(console_app, "admin").get("/console/stats").get_data(as_text=True)
    general = page.split('id="stats-general"')[1].split("</section>")[0]
    corruption = page.split('id="stats-corruption"')[1].split("</section>")[0]
    assert "ทั้งหมด <strong>1</strong>" in general and month_row(general) == "<td>1</td>"
    assert "ทั้งหมด <strong>2</strong>" in corruption and month_row(corruption) == "<td>2</td>"


def test_the_year_is_read_in_either_era_short_or_in_thai_digits(console_app, filed):
    staff = signed_in(console_app, "staff")
    ce = local(utcnow()).year
    be = ce + BE_OFFSET
    thai = str(be).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    pages = [staff.get(f"/console/stats?year={typed}") for typed in (be, ce, str(be)[2:], thai)]
    assert {p.status_code for p in pages} == {200}
    assert all(f"สถิติเรื่องร้องเรียน ปี พ.ศ. {be}" in p.get_data(as_text=True) for p in pages)
    assert all(month_row(p.get_data(as_text=True)) == "<td>1</td>" for p in pages)
    last_year = staff.get(f"/console/stats?year={be - 1}").get_data(as_text=True)
    assert "ทั้งหมด <strong>0</strong>" in last_year
    for wrong, reason in (("3112", "ปี 3112 อยู่นอกช่วงที่ใช้ได้"), ("ปีนี้", "ต้องเป็นตัวเลข")):
        refused = staff.get(f"/console/stats?year={wrong}")
        assert refused.status_code == 400 and reason in refused.get_data(as_text=True)

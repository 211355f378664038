"""The ITA evidence pack for a fiscal year (Buddhist era, October to September) under the ITA items of its
assessment year (content's ita/evidence_items.yaml): console page, printable HTML, CSV, XLSX and JSON from
`python -m bot evidence`; and the what-if page computed by scoring/."""
from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime, timezone

import openpyxl
from sqlalchemy import update

from bot.complaints import service
from bot.complaints.models import Complaint
from bot.feedback.models import Feedback
from tests.conftest import OFFICE
from tests.complaint_helpers import Person, code_in, settings, smtp  # noqa: F401
from tests.console_helpers import console, console_app, signed_in  # noqa: F401
from tests.test_complaint_cli import cli  # noqa: F401
from tests.test_console_inbox import file_service_complaint


def _sheet_rows(book, name: str) -> list[list[str]]:
    """A sheet's rows as the CSV writes them (numbers as text), without the title row."""
    return [["" if v is None else str(v) for v in row] for row in book[name].iter_rows(min_row=2, values_only=True)]


def _csv_table(text: str, title_starts: str) -> list[list[str]]:
    """One table of the CSV: the rows after its title row, up to the blank row."""
    rows = list(csv.reader(io.StringIO(text)))
    start = next(i for i, r in enumerate(rows) if r and r[0].startswith(title_starts))
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start + 1:end]


def test_evidence_pack_answers_the_items_of_the_year_with_corruption_reports_apart(console_app, bot, services, cli,
                                                                                  tmp_path):
    general = file_service_complaint(bot, "U-ev-1", "รอใบรับรองมาสามสัปดาห์แล้วยังไม่ได้")
    corrupt_q2 = code_in(Person(bot, "U-ev-2").files_anonymous_corruption(image=False))
    corrupt_h2 = code_in(Person(bot, "U-ev-4", channel="facebook").files_anonymous_corruption(image=False))
    outside = file_service_complaint(bot, "U-ev-3", "เรื่องนี้เกิดเมื่อปีก่อนแล้วยังไม่มีใครตอบ")
    with services.db.session() as s:
        for code, when in ((general, datetime(2025, 11, 3, 3, tzinfo=timezone.utc)),
                           (corrupt_q2, datetime(2026, 1, 5, 3, tzinfo=timezone.utc)),
                           (corrupt_h2, datetime(2026, 5, 5, 3, tzinfo=timezone.utc)),
                           (outside, datetime(2025, 9, 30, 3, tzinfo=timezone.utc))):  # fiscal year 2568
            s.execute(update(Complaint).where(Complaint.code == code).values(created_at=when))
        s.add_all([Feedback(rating=5, channel="line", topic="track",
                            created_at=datetime(2025, 12, 1, tzinfo=timezone.utc)),
                   Feedback(rating=3, channel="web", topic="contact.phone",
                            created_at=datetime(2026, 2, 1, tzinfo=timezone.utc))])
    service.set_status(services, general, "resolved", now=datetime(2025, 11, 7, 3, tzinfo=timezone.utc))
    service.set_status(services, corrupt_h2, "resolved", now=datetime(2026, 5, 20, 3, tzinfo=timezone.utc))

    pack = json.loads(cli("evidence", "--fiscal-year", "2569", "--json")[1])
    assert pack["from"] == "2025-10-01" and pack["to"] == "2026-10-01"
    assert [i["number"] for i in pack["items"]] == ["O3", "O10", "O16", "O17", "O18"] and pack["items_year"] == 2569
    assert "corruption" in next(i for i in pack["items"] if i["number"] == "O18")["answered_by"]
    c = pack["corruption"]
    assert (c["total"], c["completed"], c["in_progress"]) == (2, 1, 1)
    assert [q["total"] for q in c["by_quarter"]] == [0, 1, 1, 0] and len(c["by_month"]) == 12
    assert (c["first_half"]["total"], c["first_half"]["in_progress"]) == (1, 1)
    assert [h["total"] for h in c["by_half"]] == [1, 1]
    assert pack["complaints"]["total"] == 1 and pack["complaints"]["median_days_to_close"] == 4.0
    assert pack["ratings"]["count"] == 2 and pack["ratings"]["mean"] == 4.0
    assert pack["ratings"]["about_complaints"] == {"count": 1, "mean": 5.0}
    assert pack["online"]["complaints_filed_online"] == 3 and pack["online"]["by_channel"]["Facebook Messenger"] == 1
    assert pack["pages"]["channel"]["url"].startswith("https://")

    text = cli("evidence", "--fiscal-year", "2569", "--csv")[1]
    corruption_rows = _csv_table(text, "สถิติเรื่องร้องเรียนการทุจริต")
    assert ["ตุลาคม 2568", "ไม่มีเรื่องร้องเรียน", "-", "-"] in corruption_rows  # not a bare 0
    assert ["มกราคม 2569", "1", "0", "1"] in corruption_rows and ["พฤษภาคม 2569", "1", "1", "0"] in corruption_rows
    assert ["พฤศจิกายน 2568", "ไม่มีเรื่องร้องเรียน", "-", "-"] in corruption_rows  # the general complaint is apart
    assert ["พฤศจิกายน 2568", "1", "1", "0"] in _csv_table(text, "สถิติเรื่องร้องเรียนทั่วไป")
    assert any(r[0] == "O18" and "ทั้งหมด 2 เรื่อง" in r[3] for r in _csv_table(text, "รายการข้อและหลักฐาน"))

    xlsx = tmp_path / "pack.xlsx"
    assert cli("evidence", "--fiscal-year", "2569", "--xlsx", str(xlsx))[0] == 0
    book = openpyxl.load_workbook(xlsx)
    assert corruption_rows[0] == ["ช่วงเวลา", "ทั้งหมด", "ดำเนินการแล้วเสร็จ", "อยู่ระหว่างดำเนินการ"]
    assert _sheet_rows(book, "ร้องเรียนการทุจริต") == corruption_rows
    assert book["ร้องเรียนการทุจริต"]["B6"].value == 1  # January: a number, not text
    ratings = {row[0]: row[1] for row in book["ความพึงพอใจ"].iter_rows(min_row=3, values_only=True)}
    assert ratings["จำนวนคำตอบ"] == 2 and ratings["ค่าเฉลี่ย (จาก 5)"] == 4.0

    html = cli("evidence", "--fiscal-year", "2569", "--from", "2568-10-01", "--to", "2568-12-31", "--html")[1]
    assert "@media print" in html and "ปีงบประมาณ พ.ศ. 2569" in html and "Sarabun" in html
    o18 = html.split('id="item-O18"')[1].split('id="pack-others"')[0]  # the last item, general complaints after
    assert 'id="pack-corruption"' in o18 and "ไม่มีเรื่องร้องเรียน" in o18 and "<td>0</td>" not in o18
    assert "ครึ่งปีแรก (รอบ 6 เดือน) ปีงบประมาณ 2569" in o18
    assert "https://www.test-office.example/ita/report-corruption" in html.split('id="item-O17"')[1]
    assert cli("evidence", "--fiscal-year", "2569", "--from", "2569-03-31", "--to", "2568-10-01")[0] == 1

    general_staff = signed_in(console_app, "staff")  # among whom the accused may sit: no corruption counts
    refused = general_staff.get("/console/evidence?fiscal_year=2569")
    assert refused.status_code == 403 and "เรื่องร้องเรียนการทุจริต" not in refused.get_data(as_text=True)
    assert general_staff.get("/console/evidence?fiscal_year=2569&format=csv").status_code == 403
    staff = signed_in(console_app, "integrity")
    page = staff.get("/console/evidence?fiscal_year=2569").get_data(as_text=True)
    assert "ปีงบประมาณ พ.ศ. 2569" in page and "1 ตุลาคม 2568 ถึง 30 กันยายน 2569" in page
    assert "พฤศจิกายน 2568" in page and "2025" not in page and 'id="item-O18"' in page
    assert all(f"format={f}" in page for f in ("html", "csv", "xlsx"))
    got = staff.get("/console/evidence?fiscal_year=2569&format=xlsx")
    assert got.status_code == 200 and "spreadsheetml" in got.content_type
    assert _sheet_rows(openpyxl.load_workbook(io.BytesIO(got.data)), "ร้องเรียนการทุจริต") == corruption_rows
    assert staff.get("/console/evidence?fiscal_year=2569&format=pdf").status_code == 400


def office_copy(tmp_path, edit, name: str = "office") -> str:
    """The test office copied with its evidence_items.yaml edited by `edit` (text → text)."""
    copy = tmp_path / name
    shutil.copytree(OFFICE, copy)
    items = copy / "ita" / "evidence_items.yaml"
    items.write_text(edit(items.read_text(encoding="utf-8")), encoding="utf-8")
    return str(copy)


def test_an_item_number_fixed_in_content_is_what_the_pack_shows(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("CONTENT_DIR", office_copy(tmp_path, lambda t: t.replace("number: O18", "number: O21")))
    pack = json.loads(cli("evidence", "--fiscal-year", "2569", "--json")[1])
    assert [i["number"] for i in pack["items"]] == ["O3", "O10", "O16", "O17", "O21"]
    assert 'id="item-O21"' in cli("evidence", "--fiscal-year", "2569", "--html")[1]
    # a year without its own list uses the latest earlier one
    older = json.loads(cli("evidence", "--fiscal-year", "2567", "--json")[1])
    assert older["items_year"] == 2566 and [i["number"] for i in older["items"]] == ["O27", "O28", "O29"]


def test_a_wrong_evidence_item_stops_the_content_check_naming_file_and_field(cli, tmp_path):
    from bot.content.check import check, structural_problems

    wrong = office_copy(tmp_path, lambda t: t.replace("answered_by: [corruption]", "answered_by: [corupt]"))
    problems = "\n".join(structural_problems(wrong))
    assert "evidence_items.yaml: field 'years.2564.items.6.answered_by.0'" in problems and "'corupt'" in problems
    twice = office_copy(tmp_path, lambda t: t.replace("number: O17", "number: O16"), "twice")
    assert "item O16 is listed twice" in "\n".join(structural_problems(twice))
    assert any("evidence_items.yaml" in p for p in check(wrong).problems)  # python -m bot content check
    assert cli("content", "check", "--content", wrong)[0] == 1


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


def test_the_evidence_page_reads_at_phone_width(console_app, bot, services):
    """At 360 px every item and its figures fit the screen: no sideways scrolling, the zero months in words."""
    from playwright.sync_api import expect

    from tests.browser_helpers import chromium, fits_the_width, served, shot
    from tests.console_helpers import sign_in_page

    code = code_in(Person(bot, "U-ev-phone").files_anonymous_corruption(image=False))
    with services.db.session() as s:
        s.execute(update(Complaint).where(Complaint.code == code)
                  .values(created_at=datetime(2026, 1, 5, 3, tzinfo=timezone.utc)))
    with served(console_app) as live, chromium() as browser:
        page = browser.new_context(viewport={"width": 360, "height": 780}, locale="th-TH").new_page()
        sign_in_page(page, live, "integrity")
        page.goto(f"{live}/console/evidence?fiscal_year=2569")
        o18 = page.locator("#item-O18")
        expect(o18).to_contain_text("ทั้งหมด 1 เรื่อง")
        expect(o18.locator("tr", has_text="ตุลาคม 2568").first).to_contain_text("ไม่มีเรื่องร้องเรียน")
        expect(page.get_by_role("link", name="ดาวน์โหลด Excel (XLSX)")).to_be_visible()
        for number in ("O3", "O10", "O16", "O17", "O18"):
            box = page.locator(f"#item-{number}").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 361
        fits_the_width(page)
        shot(page, "console-evidence-items-360")

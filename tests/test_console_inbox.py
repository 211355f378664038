"""The complaints inbox staff work in: filters and search, assignment, internal notes the reporter never
receives, working-day deadlines with Thai holidays, overdue flags, evidence through an audited route, and
corruption reports that reach nobody shown to the integrity unit."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import update

from bot.complaints import deadlines
from bot.complaints.models import Complaint
from tests.complaint_helpers import Person, code_in, push_texts, pushes_to, settings, smtp  # noqa: F401
from tests.console_helpers import console, console_app, post, signed_in  # noqa: F401
from tests.fakes.platform import Response
from tests.test_complaint_cli import cli  # noqa: F401


def file_service_complaint(bot, user: str, details: str) -> str:
    p = Person(bot, user)
    for text in ("ร้องเรียนการให้บริการ", details, "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        p.says(text)
    return code_in(p.says("ยืนยันส่งเรื่อง"))


def test_working_days_skip_weekends_and_the_holidays_in_content(services):
    # Friday 4 December 2026; Saturday, Sunday, Monday 7 (ชดเชยวันพ่อ) and Thursday 10 (รัฐธรรมนูญ) do not count
    assert deadlines.add_working_days(services, date(2026, 12, 4), 2) == date(2026, 12, 9)
    assert deadlines.add_working_days(services, date(2026, 12, 4), 3) == date(2026, 12, 11)


def test_filter_search_assign_note_and_status_as_staff_work(console_app, bot, services, line_api, cli):
    first = file_service_complaint(bot, "U-inbox-1", "ขอเอกสารรับรองมาสามสัปดาห์ยังไม่ได้")
    second = file_service_complaint(bot, "U-inbox-2", "โทรไปไม่มีผู้รับสาย")
    staff = signed_in(console_app, "staff")

    found = staff.get("/console/complaints/?q=เอกสารรับรอง").get_data(as_text=True)
    assert first in found and second not in found and "พบ 1 เรื่อง" in found
    assert second in staff.get(f"/console/complaints/?q={second.lower()}").get_data(as_text=True)
    assert "พบ 0 เรื่อง" in staff.get("/console/complaints/?status=resolved").get_data(as_text=True)
    assert "พบ 2 เรื่อง" in staff.get("/console/complaints/?channel=line&category=service").get_data(as_text=True)
    assert "พบ 0 เรื่อง" in staff.get("/console/complaints/?channel=web").get_data(as_text=True)

    page = staff.get(f"/console/complaints/{first}").get_data(as_text=True)
    option = page.split('name="assignee"')[1].split("</select>")[0]
    staff_id = option.split(">staff<")[0].rsplit('value="', 1)[1].split('"')[0]
    assigned = post(staff, f"/console/complaints/{first}/assign", {"assignee": staff_id}, follow_redirects=True)
    assert "มอบหมายเรื่อง" in assigned.get_data(as_text=True)
    mine = staff.get(f"/console/complaints/?assignee={staff_id}").get_data(as_text=True)
    assert first in mine and second not in mine
    assert second in staff.get("/console/complaints/?assignee=none").get_data(as_text=True)

    before = len(pushes_to(line_api, "U-inbox-1"))
    noted = post(staff, f"/console/complaints/{first}/notes", {"text": "ประสานกลุ่มบริหารงานบุคคลแล้ว รอคำตอบ"},
                 follow_redirects=True).get_data(as_text=True)
    assert "ประสานกลุ่มบริหารงานบุคคลแล้ว รอคำตอบ" in noted.split('id="notes"')[1]
    assert len(pushes_to(line_api, "U-inbox-1")) == before  # the reporter receives nothing

    post(staff, f"/console/complaints/{first}/status", {"status": "in_progress", "note": "กำลังจัดทำเอกสารให้"})
    assert "กำลังจัดทำเอกสารให้" in push_texts(line_api, "U-inbox-1")
    assert "ประสานกลุ่มบริหารงาน" not in push_texts(line_api, "U-inbox-1")
    actions = {(r["action"], r["complaint"]) for r in json.loads(cli("audit", "list", "--json")[1])}
    assert {("complaint_assigned", first), ("complaint_note", first), ("complaint_status", first)} <= actions


def test_overdue_cases_are_flagged_and_filtered(console_app, bot, services):
    late = file_service_complaint(bot, "U-inbox-late", "ยังไม่มีใครติดต่อกลับ")
    fresh = file_service_complaint(bot, "U-inbox-new", "ยื่นคำขอเอกสารแล้วยังไม่ได้รับ")
    with services.db.session() as s:
        s.execute(update(Complaint).where(Complaint.code == late)
                  .values(created_at=datetime.now(timezone.utc) - timedelta(days=20)))
    staff = signed_in(console_app, "staff")
    overdue = staff.get("/console/complaints/?overdue=1").get_data(as_text=True)
    assert late in overdue and fresh not in overdue and "เกินกำหนดรับเรื่อง" in overdue
    page = staff.get(f"/console/complaints/{late}").get_data(as_text=True)
    assert "เกินกำหนดรับเรื่อง" in page and "กำหนดแล้วเสร็จ" in page


def test_evidence_is_shown_only_through_the_signed_in_audited_route(console_app, bot, cli):
    code = code_in(Person(bot, "U-inbox-photo").files_anonymous_corruption(image=True))
    integrity = signed_in(console_app, "integrity")
    page = integrity.get(f"/console/complaints/{code}").get_data(as_text=True)
    src = page.split('<img src="')[1].split('"')[0]
    image = integrity.get(src)
    assert image.status_code == 200 and image.data.startswith(b"\xff\xd8") and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"].startswith("no-store")
    assert console_app.test_client().get(src).status_code == 302  # nobody signed in: sign-in page
    assert signed_in(console_app, "staff").get(src).status_code == 403
    rows = json.loads(cli("audit", "list", "--json")[1])
    assert any(r["action"] == "evidence_viewed" and r["user"] == "integrity" and r["complaint"] == code for r in rows)


def test_staff_are_told_a_video_may_carry_metadata_and_a_cleaned_photo_not(console_app, bot, line_api):
    line_api.script("GET", r"^/v2/bot/message/vid-1/content$",
                    Response(200, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "video/mp4"))
    p = Person(bot, "U-inbox-video")
    for text in ("แจ้งทุจริต", "เจ้าหน้าที่เรียกรับเงิน 5,000 บาท เพื่อเร่งเรื่องย้าย", "เสร็จแล้ว"):
        p.says(text)
    p.sends_image()  # a photo: re-encoded from pixels, nothing left to warn about
    p.sends_image("vid-1", kind="video", mime="video/mp4")
    p.says("เสร็จแล้ว")
    p.says("ไม่ระบุตัวตน")
    code = code_in(p.says("ยืนยันส่งเรื่อง"))
    page = signed_in(console_app, "integrity").get(f"/console/complaints/{code}").get_data(as_text=True)
    files = page.split('class="evidence"')[1].split("</div>")[0]
    assert files.count("<img ") == 1 and "video/mp4" in files
    warning = "ไฟล์นี้อาจมีข้อมูลแฝง (metadata) เช่น ตำแหน่งที่ถ่ายหรือรุ่นอุปกรณ์"
    assert files.count(warning) == 1 and files.index("video/mp4") < files.index(warning)


def test_unrouted_corruption_reports_are_listed_for_the_integrity_unit(console_app, bot, services):
    services.settings = services.settings.replace(integrity_line_targets=(), integrity_alert_emails=())
    code = code_in(Person(bot, "U-inbox-unrouted").files_anonymous_corruption(image=False))
    page = signed_in(console_app, "integrity").get("/console/complaints/").get_data(as_text=True)
    banner = page.split('id="unrouted"')[1].split("</section>")[0]
    assert code in banner and "ยังไม่ได้แจ้งผู้ใด" in banner
    assert 'id="unrouted"' not in signed_in(console_app, "staff").get("/console/complaints/").get_data(as_text=True)

"""Staff handle a complaint in the console: list, open, change status (the reporter is told), statistics."""
from __future__ import annotations

from tests.complaint_helpers import Person, code_in, push_texts, settings, smtp  # noqa: F401
from tests.console_helpers import console, console_app, post  # noqa: F401


def test_staff_see_an_anonymous_report_without_the_reporter_and_answer_it(console, bot, line_api):
    reporter = Person(bot, "U-console-reporter", "line")
    code = code_in(reporter.files_anonymous_corruption(image=False))

    listing = console.get("/console/complaints/").get_data(as_text=True)
    assert code in listing and "ไม่ระบุตัวตน" in listing
    page = console.get(f"/console/complaints/{code}").get_data(as_text=True)
    assert "เรียกรับเงิน" in page and "U-console-reporter" not in page

    resp = post(console, f"/console/complaints/{code}/status",
                {"status": "in_progress", "note": "ส่งเรื่องให้คณะกรรมการตรวจสอบแล้ว"},
                follow_redirects=True)
    assert "ส่งเรื่องให้คณะกรรมการตรวจสอบแล้ว" in resp.get_data(as_text=True)
    assert "ส่งเรื่องให้คณะกรรมการตรวจสอบแล้ว" in push_texts(line_api, "U-console-reporter")

    stats = console.get("/console/stats").get_data(as_text=True)
    assert "ทั้งหมด <strong>1</strong>" in stats
    assert console.get("/console/complaints/XX-0000-0000").status_code == 404

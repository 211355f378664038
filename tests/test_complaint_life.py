"""A complaint's whole life over LINE: the reporter answers a resolution (a rating, or "not solved", which
reopens it within 14 days), a case is forwarded and the reporter told, and a corruption report is never
assigned to general staff. Staff act through `python -m bot complaints ...` and the console."""
from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.cli import main
from bot.complaints import content as cc
from bot.complaints import deadlines, service
from bot.complaints.models import Complaint
from bot.console import people
from bot.console.models import ConsoleUser
from bot.storage import utcnow
from bot.thaitime import local, thai_date
from tests.complaint_helpers import (STAFF_GROUP, LineUser, Person, code_in, push_texts, pushes_to, said,  # noqa: F401
                                     settings as complaint_settings, smtp, wait_idle)
from tests.conftest import LINE_SECRET
from tests.console_helpers import PASSWORD, console, console_app, post, signed_in  # noqa: F401
from tests.fakes.platform import tiny_jpeg

INTEGRITY_GROUP = "Cintegritygroup00000000000000001"
SCHOOL_UNIT_GROUP = "Cschoolunitgroup0000000000000001"
REPORTER = "U0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"


@pytest.fixture
def settings(complaint_settings):
    """General complaints alert the staff group; corruption reports the integrity group only."""
    return complaint_settings.replace(integrity_line_targets=(INTEGRITY_GROUP,), integrity_alert_emails=())


@pytest.fixture
def cli(settings, services, capsys, monkeypatch):
    """`python -m bot complaints ...` in-process, configured like the test's app (database, content, fake
    LINE, alert targets), with the content the test's services have (a unit a test added)."""
    env = {"DATABASE_URL": settings.database_url, "CONTENT_DIR": str(settings.content_dir),
           "EVIDENCE_DIR": str(settings.evidence_dir), "LINE_CHANNEL_SECRET": settings.line_channel_secret,
           "LINE_CHANNEL_ACCESS_TOKEN": settings.line_channel_access_token,
           "LINE_API_BASE_URL": settings.line_api_base_url, "STAFF_LINE_TARGETS": STAFF_GROUP,
           "INTEGRITY_LINE_TARGETS": INTEGRITY_GROUP, "SMTP_URL": settings.smtp_url,
           "SECRET_KEY": settings.secret_key}  # the key the app sealed the reporter's address with
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    load = cc.load
    monkeypatch.setattr(cc, "load", lambda *args: services.complaints_content or load(*args))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


def with_school_unit(services) -> None:
    """A second general unit of the office, with its own LINE group, to forward cases to."""
    content = cc.of(services)
    unit = content.units["complaints_desk"].model_copy(update={"name": "กลุ่มส่งเสริมการจัดการศึกษา",
                                                               "line_targets": [SCHOOL_UNIT_GROUP]})
    services.complaints_content = content.model_copy(update={"units": {**content.units, "school_affairs": unit}})


def file_general(client, line_api, user_id: str = REPORTER) -> tuple[LineUser, str]:
    reporter, receipt = file_general_receipt(client, line_api, user_id)
    return reporter, code_in(receipt)


def file_general_receipt(client, line_api, user_id: str = REPORTER) -> tuple[LineUser, str]:
    reporter = LineUser(client, line_api, user_id, LINE_SECRET)
    for text in ("อยากร้องเรียน", "การให้บริการ", "ขอเอกสารรับรองที่สำนักงานมาสองสัปดาห์แล้วยังไม่ได้",
                 "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        reporter.says(text)
    return reporter, reporter.says("ยืนยันส่งเรื่อง")


def file_corruption(client, line_api, user_id: str = REPORTER) -> tuple[LineUser, str]:
    reporter = LineUser(client, line_api, user_id, LINE_SECRET)
    for text in ("แจ้งทุจริต", "เจ้าหน้าที่การเงินเรียกรับเงินค่าเซ็นเอกสาร 3,000 บาท", "เสร็จแล้ว", "ข้าม",
                 "ไม่ระบุตัวตน"):
        reporter.says(text)
    return reporter, code_in(reporter.says("ยืนยันส่งเรื่อง"))


def last_push(line_api, to: str) -> dict:
    return pushes_to(line_api, to)[-1]


def tap(line_api, to: str, label: str) -> str:
    """The text a quick reply of the last push to `to` sends when tapped."""
    items = [i["action"] for m in last_push(line_api, to)["messages"]
             for i in (m.get("quickReply") or {}).get("items", [])]
    return next(a["text"] for a in items if a["label"] == label)


def stored(services, code: str) -> Complaint:
    with services.db.session() as s:
        return service.load(s, code)


def test_filing_tells_the_reporter_by_when_they_will_hear_back(client, services, line_api):
    _, receipt = file_general_receipt(client, line_api)
    promised = cc.of(services).category("service").resolve_days
    by = deadlines.add_working_days(services, local(utcnow()).date(), promised)
    assert f"แจ้งผลภายใน {promised} วันทำการ (ไม่เกินวันที่ {thai_date(by)})" in receipt
    assert str(by.year + 543) in receipt


def test_a_resolution_is_told_with_its_note_rated_and_counted(client, services, line_api, cli):
    reporter, code = file_general(client, line_api)
    wait_idle(services)
    status, out, _ = cli("complaints", "set-status", code, "resolved", "--note", "ออกเอกสารรับรองและจัดส่งทางไปรษณีย์แล้ว")
    assert status == 0, out
    notice = push_texts(line_api, REPORTER)
    assert code in notice and "ดำเนินการแล้วเสร็จ" in notice and "ออกเอกสารรับรองและจัดส่งทางไปรษณีย์แล้ว" in notice
    assert "1 (น้อยที่สุด) ถึง 5 (มากที่สุด)" in notice and "ยังไม่ได้รับการแก้ไข" in notice

    answer = reporter.says(tap(line_api, REPORTER, "4 มาก"))
    assert "ขอบคุณสำหรับคะแนน 4" in answer and code in answer
    assert "ขอบคุณสำหรับความคิดเห็น" in reporter.says("ได้รับเอกสารแล้ว แต่อยากให้เร็วกว่านี้")
    complaint = stored(services, code)
    assert complaint.rating == 4 and complaint.rating_comment == "ได้รับเอกสารแล้ว แต่อยากให้เร็วกว่านี้"
    assert complaint.status == "resolved"

    status, out, _ = cli("complaints", "stats", "--json")
    summary = json.loads(out)
    assert summary["ratings"]["count"] == 1 and summary["ratings"]["mean"] == 4.0
    assert summary["total"] == 1 and summary["by_status"] == {"resolved": 1} and summary["closed"] == 1
    status, out, _ = cli("complaints", "stats")
    assert "ผู้ร้องให้คะแนนการดำเนินการ 1 เรื่อง เฉลี่ย 4.00 จาก 5" in out


def test_someone_else_cannot_rate_or_reopen_a_case(client, services, line_api):
    _, code = file_general(client, line_api)
    service.set_status(services, code, "resolved", "แก้ไขแล้ว")
    stranger = LineUser(client, line_api, "Ustranger000000000000000000000001", LINE_SECRET)
    assert "ไม่พบเรื่องตามรหัสนี้" in stranger.says(f"ให้คะแนน 1 เรื่อง {code}")
    assert "ไม่พบเรื่องตามรหัสนี้" in stranger.says(f"ยังไม่ได้รับการแก้ไข เรื่อง {code}")
    complaint = stored(services, code)
    assert complaint.rating is None and complaint.status == "resolved" and not complaint.reopened


def test_not_solved_within_14_days_reopens_the_case_and_alerts_its_unit(client, services, line_api, cli):
    reporter, code = file_general(client, line_api)
    wait_idle(services)
    cli("complaints", "set-status", code, "resolved", "--note", "ส่งเอกสารแล้ว")
    alerts_before = len(pushes_to(line_api, STAFF_GROUP))

    answer = reporter.says(tap(line_api, REPORTER, "ยังไม่ได้รับการแก้ไข"))
    assert f"เปิดเรื่อง {code} อีกครั้งแล้ว" in answer and "อยู่ระหว่างดำเนินการ" in answer
    complaint = stored(services, code)
    assert complaint.status == "in_progress" and complaint.closed_at is None and complaint.reopened == 1
    assert complaint.events[-1].note == "ผู้ร้องแจ้งว่ายังไม่ได้รับการแก้ไข จึงเปิดเรื่องอีกครั้ง"
    line_api.wait_for("POST", r"/v2/bot/message/push$", count=alerts_before + 2)  # the notice, then the alert
    wait_idle(services)
    alert = "\n".join(m["text"] for b in pushes_to(line_api, STAFF_GROUP)[alerts_before:] for m in b["messages"])
    assert code in alert and "ยังไม่ได้รับการแก้ไข" in alert and f"/console/complaints/{code}" in alert
    assert "เอกสารรับรอง" not in alert  # a group gets no details

    # resolved again, and this time reopened by typing it
    service.set_status(services, code, "resolved", "ส่งเอกสารซ้ำทางอีเมลแล้ว")
    assert "อีกครั้งแล้ว" in reporter.says("ยังไม่ได้รับการแก้ไขครับ")
    assert stored(services, code).reopened == 2
    _, out, _ = cli("complaints", "stats", "--json")
    assert json.loads(out)["reopened"] == 1 and json.loads(out)["reopenings"] == 2


def test_a_reopened_corruption_report_alerts_only_the_integrity_unit(client, services, line_api):
    reporter, code = file_corruption(client, line_api)
    wait_idle(services)
    service.set_status(services, code, "resolved", "ลงโทษทางวินัยแล้ว")
    integrity_before = len(pushes_to(line_api, INTEGRITY_GROUP))
    assert "อีกครั้งแล้ว" in reporter.says("ยังไม่ได้รับการแก้ไข")
    line_api.wait_for("POST", r"/v2/bot/message/push$", count=integrity_before + 1)
    wait_idle(services)
    assert code in push_texts(line_api, INTEGRITY_GROUP)
    assert code not in push_texts(line_api, STAFF_GROUP)


def test_after_14_days_a_reopening_is_refused_with_how_to_file_anew(client, services, line_api):
    reporter, code = file_general(client, line_api)
    service.set_status(services, code, "resolved", "ส่งเอกสารแล้ว", now=utcnow() - timedelta(days=15))
    answer = reporter.says("ยังไม่ได้รับการแก้ไข")
    assert "เกิน 14 วันแล้ว" in answer and "ร้องเรียน" in answer and code in answer
    complaint = stored(services, code)
    assert complaint.status == "resolved" and not complaint.reopened


def test_a_case_sent_to_another_agency_tells_the_reporter_where_to_follow_it(client, services, line_api, cli):
    _, code = file_general(client, line_api)
    status, out, err = cli("complaints", "forward", code, "--agency", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพิจิตร เขต 1",
                           "--contact", "โทร 056 000 000")
    assert status == 0, err
    notice = push_texts(line_api, REPORTER)
    assert code in notice and "ส่งเรื่องต่อไปยังสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพิจิตร เขต 1" in notice
    assert "ติดตามผลได้ที่: โทร 056 000 000" in notice
    complaint = stored(services, code)
    assert complaint.forwarded_agency.startswith("สำนักงานเขตพื้นที่") and complaint.status == "rejected"


def test_a_case_moved_to_another_unit_tells_the_reporter_and_alerts_that_unit(client, services, line_api, cli):
    with_school_unit(services)
    _, code = file_general(client, line_api)
    status, out, err = cli("complaints", "forward", code, "--unit", "school_affairs")
    assert status == 0, err
    wait_idle(services)
    assert "ส่งต่อเรื่องให้กลุ่มส่งเสริมการจัดการศึกษา" in push_texts(line_api, REPORTER)
    assert code in push_texts(line_api, SCHOOL_UNIT_GROUP)
    assert stored(services, code).unit == "school_affairs"


def test_a_corruption_report_moves_only_between_integrity_units(client, services, line_api, cli):
    with_school_unit(services)
    _, code = file_corruption(client, line_api)
    status, _, err = cli("complaints", "forward", code, "--unit", "school_affairs")
    assert status == 2 and "เฉพาะหน่วยงานที่ดูแลเรื่องทุจริต" in err
    assert stored(services, code).unit is None
    assert code not in push_texts(line_api, SCHOOL_UNIT_GROUP)


# --- the console -------------------------------------------------------------------------------------------


def user_id(services, username: str) -> int:
    with services.db.session() as s:
        return s.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username))


def test_a_corruption_report_cannot_be_assigned_to_general_staff(console, console_app, bot, services):
    people.create(services, "somchai", "staff", PASSWORD)
    code = code_in(Person(bot, "U-assign-reporter", "line").files_anonymous_corruption(image=False))
    page = console.get(f"/console/complaints/{code}").get_data(as_text=True)
    options = page.split('name="assignee"')[1].split("</select>")[0]
    assert "integrity" in options and "somchai" not in options and ">staff<" not in options

    refused = post(console, f"/console/complaints/{code}/assign", {"assignee": str(user_id(services, "somchai"))})
    assert refused.status_code == 400 and "ไม่มีสิทธิ์เปิดเรื่องประเภทนี้" in refused.get_data(as_text=True)
    assert stored(services, code).assignee_id is None

    done = post(console, f"/console/complaints/{code}/assign", {"assignee": str(user_id(services, "integrity"))},
                follow_redirects=True)
    assert "มอบหมายเรื่อง" in done.get_data(as_text=True)
    assert stored(services, code).assignee_id == user_id(services, "integrity")
    assert signed_in(console_app, "integrity").get(f"/console/complaints/{code}").status_code == 200


def test_the_console_resolves_with_a_photo_forwards_and_shows_time_left(console, bot, services, line_api):
    with_school_unit(services)
    services.settings = services.settings.replace(public_base_url="https://bot.example.go.th")  # LINE shows images
    reporter = Person(bot, "U-console-life", "line")
    for text in ("อยากร้องเรียน", "การให้บริการ", "ติดต่อขอย้ายโรงเรียนแล้วไม่มีผู้ตอบ", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        reporter.says(text)
    code = code_in(reporter.says("ยืนยันส่งเรื่อง"))
    page = console.get(f"/console/complaints/{code}").get_data(as_text=True)
    assert "เหลือ " in page and "วันทำการ" in page and "กลุ่มส่งเสริมการจัดการศึกษา" in page

    moved = post(console, f"/console/complaints/{code}/forward", {"unit": "school_affairs"}, follow_redirects=True)
    assert moved.status_code == 200 and "ส่งต่อเรื่องให้กลุ่มส่งเสริมการจัดการศึกษา" in push_texts(line_api, "U-console-life")

    resp = post(console, f"/console/complaints/{code}/status",
                {"status": "resolved", "note": "ประสานโรงเรียนปลายทางแล้ว",
                 "photo": (io.BytesIO(tiny_jpeg()), "result.jpg")},
                content_type="multipart/form-data", follow_redirects=True)
    assert resp.status_code == 200
    notice = push_texts(line_api, "U-console-life")
    assert "ประสานโรงเรียนปลายทางแล้ว" in notice
    [image] = [m for m in last_push(line_api, "U-console-life")["messages"] if m["type"] == "image"]
    assert image["originalContentUrl"].startswith("https://bot.example.go.th/console/result/")
    link = image["originalContentUrl"].rsplit("/", 1)[1]
    photo = console.application.test_client().get(f"/console/result/{link}")  # the reporter: no sign-in
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert console.application.test_client().get("/console/result/not-a-token").status_code == 404

    ended = post(console, f"/console/complaints/{code}/forward", {"agency": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา"})
    assert ended.status_code == 400 and "ปิดแล้ว" in ended.get_data(as_text=True)


def test_the_overdue_digest_says_how_late_and_goes_to_the_unit_handling_the_case(bot, services, line_api):
    from bot.complaints import forwarding, overdue
    from bot.outbox.worker import deliver_due

    with_school_unit(services)
    workday = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)  # Tuesday 15 December 2026, 08:00 Thailand
    reporter = Person(bot, "U-overdue-life")
    for text in ("ร้องเรียนการให้บริการ", "รอใบรับรองเงินเดือนมาสามสัปดาห์แล้ว", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        reporter.says(text)
    code = code_in(reporter.says("ยืนยันส่งเรื่อง"))
    forwarding.to_unit(services, code, "school_affairs")
    with services.db.session() as s:  # filed on Wednesday 25 November: acknowledged by Monday 30 November
        s.execute(update(Complaint).where(Complaint.code == code).values(created_at=workday - timedelta(days=20)))
    wait_idle(services)
    deliver_due(services)
    before_staff = push_texts(line_api, STAFF_GROUP)

    assert overdue.queue_overdue_digests(services, workday) >= 1
    deliver_due(services, workday + timedelta(minutes=1))
    digest = push_texts(line_api, SCHOOL_UNIT_GROUP)
    # working days late after 30 November: 1-4, 8, 9, 11, 14 and 15 December (5, 7 and 10 are holidays)
    assert f"{code} การให้บริการ: เกินกำหนดรับเรื่อง (กำหนด 30 พฤศจิกายน 2569) เกินมา 9 วันทำการ" in digest
    assert code not in push_texts(line_api, STAFF_GROUP)[len(before_staff):]


def test_the_words_typed_inside_a_new_complaint_stay_its_details(bot, services):
    reporter = Person(bot, "U-draft-words")
    reporter.says("ร้องเรียนการให้บริการ")
    assert "รับรายละเอียดแล้ว 1 ข้อความ" in said(reporter.says("ยังไม่ได้รับการแก้ไข"))

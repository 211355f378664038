"""The complaint conversation, driven through the core as a person would type it (on SQLite: the
database side of filing is tested on every backend in test_complaint_filing.py)."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.complaints import service
from bot.core import tracking_codes as codes
from bot.complaints import content as cc
from bot.complaints.reporter_keys import account_hash
from bot.complaints.models import Complaint, ComplaintReporter, Evidence
from bot.outbox.models import OutboxMessage
from bot.storage import utcnow
from scoring import year_result
from scoring.summary import fmt
from tests.complaint_helpers import (STAFF_GROUP, STAFF_MAIL, Person, buttons, code_in,  # noqa: F401
                                     push_texts, said, settings, smtp, wait_idle)
from tests.complaint_helpers import sqlite_only as database_url  # noqa: F401
from tests.fakes.platform import Response, tiny_png



def complaints(services) -> list[Complaint]:
    with services.db.session() as s:
        return list(s.scalars(select(Complaint).order_by(Complaint.id)))


def test_anonymous_corruption_report_is_filed_with_evidence_and_staff_alerted(bot, services, line_api, smtp):
    reporter = Person(bot, "U1234567890abcdef1234567890abcdef")
    first = reporter.says("แจ้งทุจริต")
    assert "กรุณาเล่ารายละเอียด" in said(first) and "ทุจริต/ประพฤติมิชอบ" in said(first)  # category skipped
    reporter.says("เจ้าหน้าที่การเงินเรียกรับเงิน 3,000 บาท")
    reporter.says("เพื่อเร่งเบิกค่าเล่าเรียนบุตร เมื่อวันจันทร์ที่ผ่านมา")
    assert "หลักฐาน" in said(reporter.says("เสร็จแล้ว"))
    saved = reporter.sends_image("line-msg-777")
    assert "1/5" in said(saved)
    assert line_api.calls("GET", r"^/v2/bot/message/line-msg-777/content$")
    reporter.sends_location()
    reporter.says("เสร็จแล้ว")
    summary = reporter.says("ไม่ระบุตัวตน")
    assert "สรุปเรื่องที่จะส่ง" in said(summary) and "ไม่ระบุตัวตน" in said(summary)
    assert "ยืนยันส่งเรื่อง" in buttons(summary)
    filed = reporter.says("ยืนยันส่งเรื่อง")
    code = code_in(filed)
    assert re.fullmatch(r"CR(-[2-9A-HJKMNP-Z]{4}){4}", code)
    assert "30 วันทำการ" in said(filed) and "รับเรื่องแล้ว" in said(filed)
    assert "จะรับเรื่องภายใน" not in said(filed)  # it is already received: no promise to receive it

    [complaint] = complaints(services)
    assert (complaint.code, complaint.category, complaint.status) == (code, "corruption", "received")
    assert complaint.anonymous and complaint.reporter_name is None and complaint.reporter_phone is None
    assert "3,000 บาท" in complaint.details and "ค่าเล่าเรียนบุตร" in complaint.details
    assert complaint.location["title"] == "หน้าสำนักงาน"
    with services.db.session() as s:
        [ev] = s.scalars(select(Evidence)).all()
        link = s.get(ComplaintReporter, complaint.id)
    assert ev.complaint_id == complaint.id and ev.mime == "image/jpeg" and not ev.may_carry_metadata
    stored = Path(services.settings.evidence_dir) / ev.path
    with Image.open(stored) as picture:  # re-encoded (metadata dropped), still the photo
        assert picture.format == "JPEG" and picture.size == (8, 8)
    assert ev.size == stored.stat().st_size and ev.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert stored.stat().st_mode & 0o077 == 0  # readable by the bot only
    assert link.account_hash == account_hash(services.settings, "line", reporter.user_id)
    assert reporter.user_id not in link.account_hash

    line_api.wait_for("POST", r"/v2/bot/message/push$")
    alert = push_texts(line_api, STAFF_GROUP)
    assert code in alert and "ทุจริต/ประพฤติมิชอบ" in alert and f"/console/complaints/{code}" in alert
    [mail] = smtp.wait_for(1)
    assert mail.recipients == [STAFF_MAIL] and code in mail.subject and code in mail.body
    assert "3,000" not in alert + mail.body  # a corruption report's details stay in the console
    everything_staff_got = alert + mail.body + mail.subject + str(mail.data)
    assert reporter.user_id not in everything_staff_got and "ผู้ใช้ทดสอบ" not in everything_staff_got
    assert not line_api.calls("GET", r"/v2/bot/profile/")  # no profile is ever fetched
    wait_idle(services)
    with services.db.session() as s:
        assert {o.status for o in s.scalars(select(OutboxMessage))} == {"sent"}


@pytest.mark.parametrize("opening", ["อยากร้องเรียนค่ะ", "ร้องเรียน/แจ้งทุจริต"])  # typed, or the rich menu
def test_the_category_is_asked_when_the_message_does_not_name_one(bot, services, opening):
    p = Person(bot, "U-ask")
    turn = p.says(opening)
    labels = [c.label for c in cc.of(services).categories]
    assert labels == ["ทุจริต/ประพฤติมิชอบ", "การให้บริการ", "พฤติกรรมเจ้าหน้าที่", "สถานศึกษา", "อื่น ๆ"]
    assert buttons(turn) == labels + ["ยกเลิก"]
    assert "ยังไม่ทราบว่าเป็นเรื่องหัวข้อใด" in said(p.says("อืม"))
    assert "หัวข้อ: การให้บริการ" in said(p.says("การให้บริการ"))


@pytest.mark.parametrize("text,category", [
    ("เจ้าหน้าที่เรียกรับเงิน", "corruption"),
    ("ร้องเรียนเจ้าหน้าที่พูดจาไม่สุภาพ", "staff_conduct"),
    ("ร้องเรียนโรงเรียน", "school"),
    ("ร้องเรียนการให้บริการล่าช้า", "service"),
])
def test_a_message_naming_the_category_skips_that_question(bot, services, text, category):
    p = Person(bot, "U-skip")
    turn = p.says(text)
    label = cc.of(services).category(category).label
    assert f"หัวข้อ: {label}" in said(turn)


def test_named_complaint_with_consent_and_thai_digit_phone(bot, services, line_api):
    p = Person(bot, "U-named")
    p.says("ร้องเรียน")
    p.says("สถานศึกษา")
    p.says("โรงเรียนเก็บเงินค่าบำรุงเกินประกาศ")
    p.says("เสร็จแล้ว")
    p.says("ข้าม")
    consent = p.says("ระบุชื่อและเบอร์โทร")
    assert "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล" in said(consent) and "ยินยอม" in buttons(consent)
    p.says("ยินยอม")
    assert "ชื่อควรยาว" in said(p.says("1"))
    p.says("สมหญิง ใจงาม")
    assert "เบอร์โทรศัพท์ไม่ถูกต้อง" in said(p.says("12345"))
    summary = p.says("๐๘๑-๒๓๔-๕๖๗๘")
    assert "สมหญิง ใจงาม โทร 0812345678" in said(summary)
    code = code_in(p.says("ยืนยัน"))
    assert code.startswith("SC-")
    [c] = complaints(services)
    assert not c.anonymous and (c.reporter_name, c.reporter_phone) == ("สมหญิง ใจงาม", "0812345678")
    assert c.consent_at is not None
    with services.db.session() as s:
        view = service.staff_view(services, service.load(s, code), full=True)
    assert view["reporter"] == {"name": "สมหญิง ใจงาม", "phone": "0812345678"}
    assert p.user_id not in str(view)


def test_back_goes_to_the_previous_step_and_declining_consent_files_anonymously(bot, services):
    p = Person(bot, "U-back")
    p.says("แจ้งทุจริต")
    p.says("มีการฮั้วประมูลจัดซื้อคอมพิวเตอร์")
    p.says("เสร็จแล้ว")
    assert "กรุณาเล่ารายละเอียด" in said(p.says("ย้อนกลับ"))
    p.says("เสร็จแล้ว")
    p.says("ข้าม")
    p.says("ระบุชื่อและเบอร์โทร")
    summary = p.says("ไม่ระบุตัวตนแทน")
    assert "ผู้แจ้ง: ไม่ระบุตัวตน" in said(summary)
    assert "ยินยอม" in buttons(p.says("ย้อนกลับ"))  # back to the consent question
    p.says("ไม่ยินยอม")
    code = code_in(p.says("ยืนยันส่งเรื่อง"))
    [c] = complaints(services)
    assert c.code == code and c.anonymous and c.reporter_name is None


def test_cancel_files_nothing_and_removes_the_evidence(bot, services, line_api):
    p = Person(bot, "U-cancel")
    p.says("แจ้งทุจริต")
    p.says("ผู้บริหารใช้รถราชการไปธุระส่วนตัว")
    p.sends_image("img-cancel")
    evidence_dir = Path(services.settings.evidence_dir)
    assert len(list(evidence_dir.glob("*/*"))) == 1
    turn = p.says("ยกเลิก")
    assert "ยังไม่มีการส่งเรื่องใด ๆ" in said(turn)
    assert complaints(services) == [] and list(evidence_dir.glob("*/*")) == []
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Evidence)) == 0
    assert not line_api.calls("POST", r"/push$")


def test_an_unrelated_question_is_answered_and_the_draft_waits(bot, services, content):
    p = Person(bot, "U-aside")
    p.says("อยากร้องเรียน")
    aside = p.says("เบอร์โทรสำนักงาน")
    assert content.office.phone in said(aside)
    assert "หัวข้อ: การให้บริการ" in said(p.says("การให้บริการ"))


def test_length_limits_are_explained(bot, services):
    p = Person(bot, "U-long")
    p.says("ร้องเรียนการให้บริการ")
    turn = p.says("ก" * 2001)
    assert "2001 ตัวอักษร" in said(turn) and "2000" in said(turn)
    for _ in range(2):
        p.says("ข" * 2000)
    full = p.says("ค" * 1500)
    assert "เกิน 5000 ตัวอักษร" in said(full)
    p.says("เสร็จแล้ว")
    p.says("ข้าม")
    p.says("ไม่ระบุตัวตน")
    code_in(p.says("ยืนยันส่งเรื่อง"))
    [c] = complaints(services)
    assert "ค" not in c.details and len(c.details) == 4002  # two messages and the blank line between them


def test_evidence_over_the_limits_is_refused_politely(bot, services, line_api):
    p = Person(bot, "U-big")
    p.says("แจ้งทุจริต")
    p.says("มีการเรียกเงินใต้โต๊ะ")
    p.says("เสร็จแล้ว")
    too_big = p.sends_image("big", size=11 * 1024 * 1024, kind="file")
    assert "ใหญ่เกิน 10 MB" in said(too_big)
    assert not line_api.calls("GET", r"/big/content$")  # refused before downloading
    line_api.script("GET", r"/v2/bot/message/exe/content$",
                    Response(200, b"MZ\x90\x00 not a picture", "application/octet-stream"))
    bad = p.sends_image("exe", kind="file")
    assert "รับได้เฉพาะ" in said(bad) and "ไฟล์ PDF" in said(bad)
    line_api.script("GET", r"/v2/bot/message/fake-jpg/content$", Response(200, b"<html>", "image/jpeg"))
    assert "รับได้เฉพาะ" in said(p.sends_image("fake-jpg"))  # the bytes decide, not the declared type
    sticker = p.sends_image("sticker-1", kind="sticker")
    assert "สติกเกอร์ใช้เป็นหลักฐานไม่ได้" in said(sticker)
    services.complaints_content = cc.of(services).model_copy(
        update={"limits": cc.of(services).limits.model_copy(update={"evidence_files": 1})})
    p.sends_image("ok-1")
    assert "ครบ 1 ไฟล์แล้ว" in said(p.sends_image("ok-2"))
    assert len(list(Path(services.settings.evidence_dir).glob("*/*"))) == 1


def test_a_photo_sent_before_its_step_is_not_lost_and_messenger_attachments_are_fetched(bot, services,
                                                                                        facebook_api):
    facebook_api.script("GET", r"^/cdn/photo.png$", Response(200, tiny_png(), "image/png"))
    p = Person(bot, "psid-4242", channel="facebook")
    p.says("แจ้งทุจริต")
    p.says("มีการเก็บเงินค่าแบบฟอร์มที่ควรแจกฟรี")
    saved = p.sends_image(f"{facebook_api.url}/cdn/photo.png")  # at the details step
    assert "1/5" in said(saved)
    p.says("เสร็จแล้ว")
    p.says("เสร็จแล้ว")
    p.says("ไม่ระบุตัวตน")
    code_in(p.says("ยืนยันส่งเรื่อง"))
    with services.db.session() as s:
        [ev] = s.scalars(select(Evidence)).all()
    assert ev.mime == "image/png" and ev.complaint_id is not None


def test_the_web_chat_takes_files_only_from_its_own_upload(bot, services):
    """A web file is the upload held for its turn (bot/channels/web_uploads.py), never fetched from a
    reference: any other is refused, and nothing is kept."""
    p = Person(bot, "web-visitor-1", channel="web")
    p.says("แจ้งทุจริต")
    p.says("เรียกรับเงิน")
    assert "ดึงไฟล์นี้จากระบบไม่สำเร็จ" in said(p.sends_image("https://example.invalid/x.jpg"))
    with services.db.session() as s:
        assert s.scalars(select(Evidence)).all() == []


def test_daily_limit_per_user(bot, services, settings):
    services.settings = settings.replace(complaint_daily_limit=2)
    p = Person(bot, "U-limit")
    for _ in range(2):
        p.says("ร้องเรียนการให้บริการ")
        p.says("รอนานมาก")
        p.says("เสร็จแล้ว")
        p.says("ข้าม")
        p.says("ไม่ระบุตัวตน")
        code_in(p.says("ยืนยันส่งเรื่อง"))
    third = p.says("อยากร้องเรียน")
    assert "ครบ 2 เรื่องแล้ว" in said(third)
    assert Person(bot, "U-other").says("อยากร้องเรียน").replies  # others are not limited
    p.now = utcnow() + timedelta(days=1, minutes=1)
    assert "เลือกจากปุ่ม" in said(p.says("อยากร้องเรียน"))


def test_an_idle_draft_expires_with_a_note_that_nothing_was_filed(bot, services, settings):
    p = Person(bot, "U-idle")
    p.says("แจ้งทุจริต")
    p.says("รายละเอียดบางส่วน")
    p.sends_image("img-idle")
    p.now = utcnow() + timedelta(minutes=settings.state_ttl_minutes + 1)
    turn = p.says("สวัสดี")
    assert "หมดเวลาแล้ว" in said(turn) and "ยังไม่ได้ส่งเรื่อง" in said(turn)
    assert complaints(services) == []
    assert list(Path(services.settings.evidence_dir).glob("*/*")) == []


def test_codes_are_random_unambiguous_and_found_in_what_people_paste():
    drawn = {codes.new_code("CR") for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(re.fullmatch(r"CR(-[0-9A-Z]{4}){4}", c) and codes.is_bearer(c) for c in drawn)
    assert not set("".join(drawn)) & set("01OIL")
    assert codes.find_code("ติดตาม cr-7k3m-9xq2-ht4w-8nbe ครับ") == "CR-7K3M-9XQ2-HT4W-8NBE"
    assert codes.find_code("SV7K3M9XQ2HT4W8NBE") == "SV-7K3M-9XQ2-HT4W-8NBE"
    assert codes.find_code("รหัส CR – 7K3M – 9XQ2 – HT4W – 8NBE") == "CR-7K3M-9XQ2-HT4W-8NBE"
    # codes filed before (8 characters) are still recognised, and are not bearer codes
    assert codes.find_code("ติดตาม cr-7k3m-9xq2 ครับ") == "CR-7K3M-9XQ2" and not codes.is_bearer("CR-7K3M-9XQ2")
    assert codes.find_code("SV7K3M9XQ2") == "SV-7K3M-9XQ2"
    assert codes.find_code("information please") is None


def test_corruption_reports_go_only_to_the_integrity_unit_when_it_has_its_own_targets(bot, services, line_api):
    content = cc.of(services)
    units = dict(content.units)
    units["integrity"] = units["integrity"].model_copy(update={"line_targets": ["Cintegrityunit"]})
    services.complaints_content = content.model_copy(update={"units": units})
    corruption = code_in(Person(bot, "U-route-1").files_anonymous_corruption(image=False))
    p = Person(bot, "U-route-2")
    for text in ("ร้องเรียนการให้บริการ", "รอคิวนาน", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        p.says(text)
    service_code = code_in(p.says("ยืนยันส่งเรื่อง"))
    wait_idle(services)
    line_api.wait_for("POST", r"/push$", count=2)
    assert corruption in push_texts(line_api, "Cintegrityunit")
    assert corruption not in push_texts(line_api, STAFF_GROUP)  # not the general staff group
    assert service_code in push_texts(line_api, STAFF_GROUP)


def test_a_question_asked_at_the_category_step_is_answered_not_taken_as_a_category(bot):
    person = Person(bot, "U-asks-meanwhile", "web")
    person.says("อยากร้องเรียน")
    answer = said(person.says("ขอคู่มือย้ายครูหน่อยค่ะ"))
    assert "การขอย้ายข้าราชการครู" in answer
    chosen = said(person.says("สถานศึกษา"))
    assert "รายละเอียด" in chosen


# --- issue 10: a complaint does not swallow questions ------------------------------------------------


def draft(services, user: str) -> dict:
    state, _ = services.states.load("line", user)
    return state["flow"]["data"]


def test_the_opening_message_is_kept_and_questions_are_answered_with_the_complaint_still_open(bot, services, content):
    p = Person(bot, "U-swallow")
    first = said(p.says("อยากแจ้งว่ามีเจ้าหน้าที่เรียกรับเงินค่ะ"))
    assert "ทุจริต/ประพฤติมิชอบ" in first and "อยากแจ้งว่ามีเจ้าหน้าที่เรียกรับเงินค่ะ" in first
    phone, total = content.office.phone, fmt(year_result(content.ita, 2564).total)
    for question, answer in (("ขอเบอร์โทรสำนักงานก่อน", phone), ("ITA ปี 2564 ได้กี่คะแนน", total),
                             ("เบอร์โทรสำนักงาน", phone)):
        turn = p.says(question)
        assert answer in said(turn)
        assert "ยังเปิดอยู่" in said([turn.replies[-1]]) and "เสร็จแล้ว" in buttons(turn)
    assert draft(services, "U-swallow")["details"] == ["อยากแจ้งว่ามีเจ้าหน้าที่เรียกรับเงินค่ะ"]
    p.says("เมื่อวันจันทร์ที่ผ่านมา ที่ห้องการเงิน")  # a statement is part of the story
    assert len(draft(services, "U-swallow")["details"]) == 2
    assert "ยกเลิกแล้ว" in said(p.says("ไม่เอาแล้ว"))
    state, _ = services.states.load("line", "U-swallow")
    assert "flow" not in state


def test_a_message_that_could_be_either_is_asked_about_and_both_answers_do_the_right_thing(bot, services):
    p = Person(bot, "U-either")
    p.says("แจ้งทุจริต")
    p.says("เจ้าหน้าที่การเงินเรียกเงิน 2000 บาท")
    unsure = "เขาบอกว่าต้องจ่ายก่อนถึงจะได้บัตรข้าราชการไหม"
    asked = p.says(unsure)
    assert "เพิ่มข้อความนี้ในเรื่องร้องเรียนไหม" in said(asked)
    assert {"ใช่ เพิ่มในเรื่องนี้", "ไม่ใช่ เป็นคำถาม"} <= set(buttons(asked))
    assert "รับรายละเอียดแล้ว 2 ข้อความ" in said(p.says("ใช่ เพิ่มในเรื่องนี้"))
    assert draft(services, "U-either")["details"][-1] == unsure
    p.says(unsure)
    answered = p.says("ไม่ใช่ เป็นคำถาม")
    assert "ยังเปิดอยู่" in said(answered) and "บัตรประจำตัวเจ้าหน้าที่ของรัฐ" in said(answered)  # its manual
    assert len(draft(services, "U-either")["details"]) == 2
    assert "ยกเลิกแล้ว" in said(p.says("ไม่แจ้งแล้ว"))


def test_back_to_the_category_shows_the_details_lets_them_be_cleared_and_says_when_the_unit_changes(bot, services):
    p = Person(bot, "U-back")
    p.says("แจ้งทุจริต")
    p.says("มีการฮั้วประมูลจัดซื้อคอมพิวเตอร์")
    back = p.says("ย้อนกลับ")
    assert "มีการฮั้วประมูลจัดซื้อคอมพิวเตอร์" in said(back) and "ล้างรายละเอียด" in buttons(back)
    moved = said(p.says("การให้บริการ"))
    integrity = cc.of(services).units["integrity"].name
    desk = cc.of(services).units["complaints_desk"].name
    assert f"จะส่งถึง {desk} แทน {integrity}" in moved and "มีการฮั้วประมูล" in moved  # details kept
    p.says("ย้อนกลับ")
    cleared = said(p.says("ล้างรายละเอียด"))
    assert "ล้างรายละเอียดที่เล่าไว้แล้ว" in cleared and draft(services, "U-back")["details"] == []


def test_a_short_first_detail_is_taken_and_done_while_asked_keeps_the_message(bot, services):
    p = Person(bot, "U-short")
    p.says("อยากร้องเรียน")
    p.says("การให้บริการ")
    assert "รับรายละเอียดแล้ว 1 ข้อความ" in said(p.says("รอใบรับรองนาน"))  # a short story is still the story
    assert "เพิ่มข้อความนี้ในเรื่องร้องเรียนไหม" in said(p.says("สอบถามขั้นตอน"))
    moved_on = said(p.says("เสร็จแล้ว"))  # not answering the question: the message was for the complaint
    assert "หลักฐาน" in moved_on
    assert draft(services, "U-short")["details"] == ["รอใบรับรองนาน", "สอบถามขั้นตอน"]

"""A reporter who asks how reporting works, or hesitates, in the middle of a report (and outside one), as
parents, teachers and an anonymous reporter wrote it in a real browser: the question is answered where they
are, the draft is kept, fear is met with what anonymity means and the offer to stop, and nothing of it is
saved as a detail of the report."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.complaints.models import Complaint
from tests.complaint_helpers import Person, buttons, said, settings, smtp  # noqa: F401
from tests.complaint_helpers import sqlite_only as database_url  # noqa: F401


def filed(services) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(Complaint))


def at_details(bot, user="Uworried0000000000000000000000001") -> Person:
    reporter = Person(bot, user)
    reporter.says("แจ้งทุจริต")
    reporter.says("ครูเก็บเงินค่าติวพิเศษ 500 บาท ทุกคนในห้อง")
    return reporter


def test_a_question_about_photos_at_the_evidence_step_is_answered_and_the_step_asked_again(bot):
    reporter = at_details(bot)
    reporter.says("เสร็จแล้ว")
    answer = said(reporter.says("จะส่งรูปยังไงคะ"))
    assert "ส่งรูปหรือไฟล์" in answer and "5 ไฟล์" in answer and "10 MB" in answer
    assert "ตัวชี้วัด" not in answer and "คะแนน" not in answer  # not an ITA answer
    assert "มีหลักฐานประกอบไหม" in answer  # still at the evidence step
    assert "1/5" in said(reporter.sends_image())  # and the evidence step takes the photo


def test_will_they_know_it_was_me_is_answered_with_what_anonymity_means_and_who_reads_it(bot):
    reporter = at_details(bot)
    reporter.says("เสร็จแล้ว")
    reporter.says("ข้าม")
    answer = said(reporter.says("ถ้าไม่บอกชื่อ เขาจะรู้ไหมว่าเป็นเรา"))
    assert "ตัวชี้วัด" not in answer
    assert "ไม่ระบุตัวตน" in answer and "keyed hash" in answer
    assert "ศูนย์ปฏิบัติการต่อต้านการทุจริต" in answer and "เท่านั้น" in answer  # only the integrity unit
    assert "ยกเลิก" in answer  # they can stop
    summary = reporter.says("ไม่ระบุตัวตน")  # the identity step carries on where it was
    assert "สรุปเรื่องที่จะส่ง" in said(summary) and "ค่าติวพิเศษ" in said(summary)


def test_fear_in_the_details_is_met_with_reassurance_and_an_offer_to_stop_never_kept_as_a_detail(bot, services):
    reporter = at_details(bot)
    reporter.says("เด็กที่ไม่จ่ายถูกย้ายไปนั่งหลังห้อง")
    worried = reporter.says("เอ่อ ไม่แจ้งดีกว่า กลัวค่ะ")
    text = said(worried)
    assert "ไม่ระบุตัวตน" in text and "ศูนย์ปฏิบัติการต่อต้านการทุจริต" in text
    assert "ยืนยันส่งเรื่อง" in text  # nothing is sent until they confirm
    assert buttons(worried) == ["ทำต่อ", "ยกเลิก"]
    assert "3 ข้อความ" not in text and "รับรายละเอียดแล้ว" not in text
    back = reporter.says("ทำต่อ")
    assert "บันทึกรายละเอียดไว้แล้ว 2 ข้อความ" in said(back) and "กลัว" not in said(back)
    reporter.says("เอ่อ ไม่แจ้งดีกว่า กลัวค่ะ")
    assert "ยกเลิกแล้ว" in said(reporter.says("ยกเลิก"))
    assert filed(services) == 0


def test_saying_again_that_one_wants_to_report_is_not_a_detail_but_asks_what_happened(bot):
    reporter = Person(bot, "Urestate000000000000000000000001")
    opened = reporter.says("อยากแจ้งทุจริตค่ะ")
    assert "กรุณาเล่ารายละเอียด" in said(opened)  # the wish opens the flow; it is not detail #1
    for again in ("อยากแจ้งทุจริตค่ะ", "โกง"):
        answer = said(reporter.says(again))
        assert "รับรายละเอียดแล้ว" not in answer
        assert "เกิดอะไรขึ้น" in answer
    reporter.says("ผอ.โรงเรียนโกงเงินค่าอาหารกลางวัน")
    done = said(reporter.says("เสร็จแล้ว"))
    assert "หลักฐาน" in done
    reporter.says("ข้าม")
    summary = said(reporter.says("ไม่ระบุตัวตน"))
    assert "ค่าอาหารกลางวัน" in summary and "อยากแจ้งทุจริต" not in summary


def test_how_long_it_takes_comes_from_content_and_the_draft_is_kept(bot):
    reporter = at_details(bot)
    answer = said(reporter.says("แจ้งแล้วใช้เวลากี่วันคะ"))
    assert "30 วันทำการ" in answer and "15 วันทำการ" in answer
    assert "บันทึกรายละเอียดไว้แล้ว 1 ข้อความ" in answer  # back at the details step, the first one kept


def test_who_reads_a_report_names_only_the_integrity_unit_for_corruption(bot):
    reporter = at_details(bot)
    answer = said(reporter.says("ใครเป็นคนอ่านเรื่องที่แจ้งคะ"))
    assert "ศูนย์ปฏิบัติการต่อต้านการทุจริต" in answer and "ไม่ส่งเข้ากลุ่มเจ้าหน้าที่ทั่วไป" in answer
    assert "บันทึกรายละเอียดไว้แล้ว 1 ข้อความ" in answer


def test_outside_a_report_the_same_questions_are_answered_without_opening_a_case(bot, services):
    person = Person(bot, "Uasker00000000000000000000000001")
    anonymity = person.says("แจ้งทุจริตแบบไม่บอกชื่อได้ไหมคะ")
    assert "keyed hash" in said(anonymity) and "เรื่องร้องเรียนที่กำลังกรอก" not in said(anonymity)
    assert "30 วันทำการ" in said(person.says("ร้องเรียนไปแล้วนานไหมกว่าจะรู้ผล"))
    afraid = said(person.says("กลัวค่ะ ไม่กล้าแจ้ง"))
    assert "หัวข้อใด" not in afraid and "ยังไม่มีการเปิดเรื่องใด ๆ" in afraid  # no flow asks for a category
    assert "ศูนย์ปฏิบัติการต่อต้านการทุจริต" in afraid
    # a report is still one tap away, and nothing was opened behind their back
    nxt = person.says("ร้องเรียน")
    assert "หัวข้อใด" in said(nxt)
    assert filed(services) == 0

"""A tracking code is the reporter's key from any account or device: typed in a fresh web session or on
another LINE account it shows the case's status, dates and the notes sent to the reporter, never its
details; ten wrong codes an hour per client (and per address on the web) refuse look-ups for an hour."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.complaints import guesses, service
from bot.complaints.models import CodeGuess, Complaint
from bot.storage import utcnow
from tests.complaint_helpers import (LineUser, Person, code_in, said, settings, smtp,  # noqa: F401
                                     without_web_floodgate)
from tests.conftest import LINE_SECRET

DETAILS = "ผู้อำนวยการเรียกรับเงินค่าย้าย 30,000 บาท"
NOTE = "ส่งเรื่องให้คณะกรรมการตรวจสอบข้อเท็จจริงแล้ว"
WRONG = [f"CR-2345-6789-ABCD-EF{c}{c}" for c in "23456789AB"]  # ten codes no case has


def web_says(client, text: str) -> str:
    resp = client.post("/api/chat", json={"text": text})
    assert resp.status_code == 200, resp.data
    return "\n".join(r.get("text") or r.get("alt_text") or "" for r in resp.get_json()["replies"])


def file_on_the_web(client) -> str:
    for text in ("แจ้งทุจริต", DETAILS, "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        web_says(client, text)
    return code_in(web_says(client, "ยืนยันส่งเรื่อง"))


@pytest.fixture
def clock(monkeypatch):
    """The guess limit's clock, moved by hand."""
    now = [utcnow()]
    monkeypatch.setattr(guesses, "clock", lambda: now[0])
    return now


def test_a_web_report_is_tracked_from_a_fresh_session_and_on_line_showing_status_not_details(
        app, client, services, line_api):
    without_web_floodgate(services)
    code = file_on_the_web(client)
    service.set_status(services, code, "in_progress", NOTE)

    elsewhere = app.test_client()  # another browser: no cookie, no token
    shown = web_says(elsewhere, code)
    assert code in shown and "อยู่ระหว่างดำเนินการ" in shown and NOTE in shown and "วันที่แจ้ง" in shown
    assert "แสดงเฉพาะสถานะและความคืบหน้า" in shown
    for private in (DETAILS, "เรียกรับเงิน", "ทุจริต", "ไม่ระบุตัวตน"):
        assert private not in shown

    on_line = LineUser(client, line_api, "U-new-phone-0000000000000000001", LINE_SECRET).says(code)
    assert code in on_line and "อยู่ระหว่างดำเนินการ" in on_line and NOTE in on_line
    assert "ทุจริต" not in on_line and "เรียกรับเงิน" not in on_line

    own = web_says(client, code)  # the filer's own session sees its case as before
    assert "ทุจริต/ประพฤติมิชอบ" in own and NOTE in own and "แสดงเฉพาะสถานะ" not in own


def test_ten_wrong_codes_in_an_hour_then_refused_even_a_right_one_until_the_hour_has_passed(bot, services, clock):
    reporter = Person(bot, "U-guess-owner")
    code = code_in(reporter.files_anonymous_corruption(image=False))
    guesser = Person(bot, "U-guesser")
    for wrong in WRONG:
        assert "ไม่พบเรื่องตามรหัสนี้" in said(guesser.says(wrong))
    refused = said(guesser.says(code))
    assert "หลายครั้งเกินไป" in refused and "ลองใหม่ได้ตั้งแต่" in refused and code not in refused
    assert "รับเรื่องแล้ว" in said(reporter.says(code))  # another client is not held back

    clock[0] += timedelta(minutes=59)
    assert "หลายครั้งเกินไป" in said(guesser.says(code))
    clock[0] += timedelta(minutes=2)
    again = said(guesser.says(code))
    assert code in again and "รับเรื่องแล้ว" in again and "ทุจริต" not in again


def test_wrong_codes_spread_over_more_than_an_hour_are_not_refused(bot, services, clock):
    guesser = Person(bot, "U-slow-guesser")
    for wrong in WRONG[:9]:
        said(guesser.says(wrong))
    clock[0] += timedelta(minutes=61)
    for wrong in WRONG[:9]:
        assert "ไม่พบเรื่องตามรหัสนี้" in said(guesser.says(wrong))


def test_a_web_address_is_refused_across_fresh_sessions(app, services, clock):
    without_web_floodgate(services)
    owner = app.test_client()
    code = file_on_the_web(owner)
    for n, wrong in enumerate(WRONG):  # a new session for each guess, from one address
        assert "ไม่พบเรื่องตามรหัสนี้" in web_says(app.test_client(), wrong), n
    assert "หลายครั้งเกินไป" in web_says(app.test_client(), code)
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert "รับเรื่องแล้ว" in web_says(other_address, code)


def test_an_older_short_code_stays_its_filers_and_counts_as_a_wrong_guess_elsewhere(bot, services):
    reporter = Person(bot, "U-old-code-owner")
    code = code_in(reporter.files_anonymous_corruption(image=False))
    old = code.rsplit("-", 2)[0]  # a code of the former shape, CR-XXXX-XXXX
    with services.db.session() as s:
        s.execute(update(Complaint).where(Complaint.code == code).values(code=old))
    assert "รับเรื่องแล้ว" in said(reporter.says(old))
    assert "ไม่พบเรื่องตามรหัสนี้" in said(Person(bot, "U-old-code-stranger").says(old))
    with services.db.session() as s:
        assert s.scalar(select(CodeGuess.wrong)) == 1


def test_guess_counts_name_nobody(bot, services):
    said(Person(bot, "U-someone-identifiable").says(WRONG[0]))
    with services.db.session() as s:
        [row] = s.scalars(select(CodeGuess)).all()
    assert len(row.key) == 64 and "someone" not in row.key and row.wrong == 1

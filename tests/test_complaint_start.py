"""Issue 10: a question that names a school, a teacher or staff is answered; only a wish to complain or a
wrong reported opens the complaint flow (lists in tests/data/complaint_starts.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.messages import Incoming
from tests.complaint_helpers import Person, said
from tests.complaint_helpers import sqlite_only as database_url  # noqa: F401

CASES = json.loads((Path(__file__).parent / "data" / "complaint_starts.json").read_text(encoding="utf-8"))


def flow_of(services, user: str) -> str | None:
    state, _ = services.states.load("line", user)
    return (state.get("flow") or {}).get("name")


def test_thirty_questions_about_schools_teachers_and_staff_start_no_complaint(bot, services):
    questions = CASES["questions"]
    assert len(questions) >= 30
    started = []
    for n, text in enumerate(questions):
        turn = bot.respond(Incoming("line", f"Uq{n}", text))
        if flow_of(services, f"Uq{n}") == "complaint" or "เรื่องที่ต้องการแจ้งเกี่ยวกับหัวข้อใด" in said(turn):
            started.append(text)
    assert started == []


def test_thirty_real_complaint_openings_still_start_one(bot, services):
    openings = CASES["openings"]
    assert len(openings) >= 30
    missed = [text for n, text in enumerate(openings)
              if (bot.respond(Incoming("line", f"Uo{n}", text)), flow_of(services, f"Uo{n}"))[1] != "complaint"]
    assert missed == []


def test_a_school_list_question_is_referred_with_the_phone_not_filed(bot, services, content):
    p = Person(bot, "U-schools")
    text = said(p.says("โรงเรียนในสังกัดมีโรงเรียนอะไรบ้าง"))
    assert content.office.phone in text and "โรงเรียน" in text
    after = said(p.says("ที่อยู่สำนักงาน"))  # no longer swallowed as a complaint detail
    assert content.office.address.postcode in after and flow_of(services, "U-schools") is None

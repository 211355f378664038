"""Staff answers, published at once: a citizen asking again in other words gets the office's answer, in
every running process (each reloads when the answers' revision moved), without a restart."""
from __future__ import annotations

import json

from sqlalchemy import select

from bot.console.models import AuditEntry
from bot.core.conversation import Bot
from bot.handlers import build_router
from bot.office_answers import live
from bot.services import build_services
from tests.console_helpers import console, console_app, post  # noqa: F401
from tests.office_helpers import ask, cli  # noqa: F401

PRAYER_ROOM = ("มีห้องละหมาดหรือเปล่าคะ", "สำนักงานมีห้องละหมาดไหม")
REWORDED = "อยากทราบว่ามีห้องละหมาดให้ใช้ไหม"
ANSWER = "สำนักงานมีห้องละหมาดที่ชั้น 2 อาคาร 1 เปิดทุกวันทำการค่ะ"


def another_process(settings, understander):
    """A second running app on the same database, as another web worker or instance would be."""
    services = build_services(settings, understander)
    return services, Bot(services, build_router())


def test_answering_a_group_reaches_a_running_process_without_a_restart(bot, settings, understander, cli):
    other_services, other = another_process(settings, understander)
    try:
        for wording in PRAYER_ROOM:
            ask(bot, wording)
        assert ANSWER not in ask(other, REWORDED)  # the other process has loaded the answers: none yet
        group = json.loads(cli("unanswered", "list", "--json")[1])[0]["id"]
        status, out = cli("unanswered", "answer", str(group), "--answer", ANSWER)
        assert status == 0 and "published" in out
        live.of(other_services).check_every = 0  # its next look at the revision is due (seconds, in production)
        assert ask(other, REWORDED) == ANSWER
        assert json.loads(cli("unanswered", "list", "--json")[1]) == []  # answered: off the list
    finally:
        other_services.db.dispose()


def test_answers_add_then_a_paraphrase_gets_it(bot, services, cli):
    status, _ = cli("answers", "add", "--question", "รับสมัครลูกจ้างชั่วคราวตำแหน่งแม่บ้านไหม",
                      "--answer", "ขณะนี้ยังไม่เปิดรับสมัครตำแหน่งแม่บ้าน ติดตามประกาศได้ที่เว็บไซต์ค่ะ",
                      "--example", "มีรับสมัครแม่บ้านไหมคะ")
    assert status == 0
    live.of(services).check_every = 0
    assert ask(bot, "ตอนนี้รับสมัครแม่บ้านอยู่หรือเปล่าครับ") == \
        "ขณะนี้ยังไม่เปิดรับสมัครตำแหน่งแม่บ้าน ติดตามประกาศได้ที่เว็บไซต์ค่ะ"
    assert "ยังไม่เปิดรับสมัคร" not in ask(bot, "ITA ปี 2564 ได้กี่คะแนน")  # a sure intent keeps its answer
    with services.db.session() as s:
        assert [(e.username, e.action) for e in s.scalars(select(AuditEntry))] == [(None, "office_answer_added")]


def test_attaching_a_group_teaches_an_answer_new_wordings(bot, services, cli):
    cli("answers", "add", "--question", "ที่ชาร์จรถยนต์ไฟฟ้า", "--answer", "มีที่ชาร์จรถไฟฟ้าหน้าอาคาร 2 ค่ะ")
    answer_id = 1
    ask(bot, "สำนักงานมีจุดเสียบปลั๊กEVสำหรับรถยนต์ไหม")
    groups = json.loads(cli("unanswered", "list", "--json")[1])
    assert len(groups) == 1
    assert cli("unanswered", "attach", str(groups[0]["id"]), str(answer_id))[0] == 0
    live.of(services).check_every = 0
    assert ask(bot, "มีจุดเสียบปลั๊กEVสำหรับรถยนต์หรือเปล่า") == "มีที่ชาร์จรถไฟฟ้าหน้าอาคาร 2 ค่ะ"
    status, out = cli("unanswered", "attach", "999", str(answer_id))
    assert status == 1 and "no open group 999" in out


def test_staff_answer_a_group_in_the_console(bot, services, console):
    for wording in PRAYER_ROOM:
        ask(bot, wording)
    page = console.get("/console/unanswered/").get_data(as_text=True)
    assert all(wording in page for wording in PRAYER_ROOM) and "ถาม 2 ครั้ง" in page
    group = json_groups(services)[0]
    assert post(console, f"/console/unanswered/{group}/answer", {"answer": " "}).status_code == 303
    assert post(console, f"/console/unanswered/{group}/answer", {"answer": ANSWER}).status_code == 303
    assert "ยังไม่มีคำถามที่บอตตอบไม่ได้" in console.get("/console/unanswered/").get_data(as_text=True)
    assert post(console, f"/console/unanswered/{group}/answer", {"answer": ANSWER}).status_code == 404
    live.of(services).check_every = 0
    assert ask(bot, REWORDED) == ANSWER
    with services.db.session() as s:
        assert [(e.username, e.action) for e in s.scalars(select(AuditEntry))][-1] == ("admin", "unanswered_answered")


def json_groups(services) -> list[int]:
    from bot.office_answers import store

    with services.db.session() as s:
        return [g.id for g in store.groups(s)]

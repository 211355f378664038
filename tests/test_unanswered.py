"""The questions the bot could not answer: kept for staff as masked text only, grouped with their
rewordings, listed newest first, and deleted after 90 days."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import inspect, select, text

from bot.housekeeping import purge
from bot.office_answers.masking import mask
from bot.office_answers.models import UnansweredQuestion
from bot.storage import utcnow
from tests.office_helpers import ask, cli  # noqa: F401

# The test office's model is unsure of these (a low-confidence guess), or gives its fallback.
WITH_PERSONAL_DATA = ("ห้องละหมาดมีไหมครับ ผมชื่อสมชาย 0812345678 บัตร 1234567890123",  # the fallback
                      "วายฟายสำนักงานรหัสอะไร ฉัน 1 2345 67890 12 3 โทร 081 234 5678")  # an unsure guess
PRAYER_ROOM = ("มีห้องละหมาดหรือเปล่าคะ", "สำนักงานมีห้องละหมาดไหม")
HOUSEKEEPER = "รับสมัครลูกจ้างชั่วคราวตำแหน่งแม่บ้านไหม"


def every_stored_rows(services, query: str) -> list:
    with services.db.engine.connect() as c:
        return list(c.execute(text(query)))


def every_stored_value(services, tables: tuple[str, ...]) -> list[str]:
    values = []
    with services.db.engine.connect() as c:
        for table in tables:
            for row in c.execute(text(f"SELECT * FROM {table}")):
                values += [str(v) for v in row]
    return values


def test_a_question_is_kept_masked_and_without_who_asked(bot, services):
    for question in WITH_PERSONAL_DATA:
        ask(bot, question, user="U4af4980629ffffffffffffffffffffff")
    questions = [row[0] for row in every_stored_rows(services, "SELECT text FROM unanswered_question")]
    assert questions == ["ห้องละหมาดมีไหมครับ ผมชื่อสมชาย [เบอร์โทร] บัตร [เลขประจำตัว]",
                         "วายฟายสำนักงานรหัสอะไร ฉัน [เลขประจำตัว] โทร [เบอร์โทร]"]
    joined = " ".join(every_stored_value(services, ("unanswered_question", "unanswered_group")))
    for personal in ("2345", "5678", "U4af49806", "line"):
        assert personal not in joined
    columns = {c["name"] for t in ("unanswered_question", "unanswered_group")
               for c in inspect(services.db.engine).get_columns(t)}
    assert not columns & {"user_id", "channel", "user", "account"}


def test_ids_and_phones_are_masked_however_they_are_written():
    assert mask("บัตร 1-2345-67890-12-3, 1234567890123 และ 1 2345 67890 12 3") == \
        "บัตร [เลขประจำตัว], [เลขประจำตัว] และ [เลขประจำตัว]"
    assert mask("เมล somchai.k+bot@example.co.th") == "เมล [อีเมล]"
    assert mask("โทร 0812345678, 02-123-4567 หรือ +66 81 234 5678") == \
        "โทร [เบอร์โทร], [เบอร์โทร] หรือ [เบอร์โทร]"
    assert mask("ปี 2565 ตัวชี้วัดที่ 9 ได้ 88.14") == "ปี 2565 ตัวชี้วัดที่ 9 ได้ 88.14"


def test_two_wordings_of_one_question_are_one_group_newest_first(bot, cli):
    ask(bot, HOUSEKEEPER)
    for wording in PRAYER_ROOM:
        ask(bot, wording)
    status, out = cli("unanswered", "list", "--json")
    groups = json.loads(out)
    assert status == 0 and [g["count"] for g in groups] == [2, 1]
    assert sorted(groups[0]["examples"]) == sorted(PRAYER_ROOM) and groups[1]["examples"] == [HOUSEKEEPER]
    status, out = cli("unanswered", "list")
    assert status == 0 and "2 ครั้ง" in out and str(utcnow().year + 543) in out  # Buddhist era


def test_a_dismissed_group_leaves_the_list_and_keeps_its_rewordings(bot, cli):
    ask(bot, PRAYER_ROOM[0])
    group = json.loads(cli("unanswered", "list", "--json")[1])[0]["id"]
    assert cli("unanswered", "dismiss", str(group))[0] == 0
    ask(bot, PRAYER_ROOM[1])
    assert json.loads(cli("unanswered", "list", "--json")[1]) == []
    status, out = cli("unanswered", "dismiss", str(group))
    assert status == 1 and f"no open group {group}" in out


def test_questions_are_deleted_after_90_days_by_the_daily_purge(bot, services, cli):
    ask(bot, PRAYER_ROOM[0])
    ask(bot, HOUSEKEEPER)
    with services.db.session() as s:  # the first was asked 91 days ago
        first = s.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id)).first()
        first.asked_at = utcnow() - timedelta(days=91)
    counts = purge(services.db, timedelta(days=30), history_ttl=timedelta(minutes=30))
    assert counts["unanswered_question"] == 1
    assert [g["examples"] for g in json.loads(cli("unanswered", "list", "--json")[1])] == [[HOUSEKEEPER]]
    assert every_stored_value(services, ("unanswered_group",)).count("open") == 1


def test_a_wrong_reported_is_never_kept_however_unsure_the_guess(bot, services):
    ask(bot, "มีคนโกงงบประมาณ")  # a complaint on a cue, with the model's threshold as its confidence
    assert every_stored_value(services, ("unanswered_question",)) == []


def test_a_question_inside_a_complaint_is_never_kept(bot, services):
    ask(bot, "อยากร้องเรียน")
    ask(bot, "ร้องเรียนการให้บริการ")
    ask(bot, PRAYER_ROOM[0])  # the complaint's details: private, not a question for the list
    assert every_stored_value(services, ("unanswered_question",)) == []


def test_migration_0010_creates_exactly_the_models_tables(sqlite_template):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from bot.storage.registry import metadata

    ours = ("office_revision", "office_answer", "office_answer_example", "unanswered_group",
            "unanswered_question", "ita_year")
    engine = create_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert [d for d in diff if any(f"'{t}'" in repr(d) for t in ours)] == []


def test_an_unanswered_question_costs_the_conversation_one_insert_and_is_grouped_when_staff_look(bot, services):
    """A citizen waiting for the fallback does not wait for grouping: the turn only inserts the question."""
    from sqlalchemy import event

    from bot.office_answers import store

    ask(bot, PRAYER_ROOM[0])  # a group exists to compare with
    with services.db.session() as s:
        store.groups(s)
    statements: list[str] = []
    listener = lambda _c, _cur, sql, *_: statements.append(" ".join(sql.split()[:3]))  # noqa: E731
    engines = {services.db.engine, services.db.redoable_engine}  # a turn's writes use the second on SQLite
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        ask(bot, PRAYER_ROOM[1], user="U-second")
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listener)
    touching = [s for s in statements if "unanswered" in s]
    assert touching == ["INSERT INTO unanswered_question"]
    with services.db.session() as s:
        (group,) = store.groups(s)
    assert group.count == 2 and set(group.examples) == set(PRAYER_ROOM)

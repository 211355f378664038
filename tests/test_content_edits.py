"""Content staff change: revisions checked like `bot content check` (a Thai message naming the field),
published to every process without a restart, revertable, and exported and imported without loss."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.content_edits import revisions, transfer
from bot.core.conversation import Bot
from bot.handlers import build_router
from bot.office_answers import ita_years, live, store
from bot.services import build_services
from bot.storage.migrate import upgrade
from tests.office_helpers import ask, cli  # noqa: F401

HELDOUT = Path(__file__).resolve().parent / "data" / "utterances_heldout.jsonl"
NEW_PHONE = "045-777888"


def office_with(services, **changes) -> dict:
    with services.db.session() as s:
        body = revisions.current(s, services.settings.content_dir, "office")
    return {**body, **changes}


def publish(services, document: str, body: dict | None, author: str = "editor", reason: str = "ทดสอบ") -> int:
    seed = services.settings.content_dir
    with services.db.session() as s:
        draft = revisions.draft(s, seed, document, body, author)
        revisions.publish(s, seed, draft.id, author, reason)
        return draft.id


def test_a_wrong_field_is_refused_in_thai_naming_it(services):
    seed = services.settings.content_dir
    hours = {**office_with(services)["hours"], "opens": "8.30"}
    with services.db.session() as s, pytest.raises(revisions.Refused) as refused:
        revisions.draft(s, seed, "office", office_with(services, hours=hours), "editor")
    assert refused.value.problems == ["ช่อง «เวลาเปิด» (hours.opens): รูปแบบไม่ถูกต้อง: ต้องเป็นเวลาแบบ 08:30"]
    with services.db.session() as s, pytest.raises(revisions.Refused) as refused:
        revisions.draft(s, seed, "office", office_with(services, phone=""), "editor")
    assert refused.value.problems == ["ช่อง «เบอร์โทรศัพท์» (phone): ต้องไม่เว้นว่าง"]
    with services.db.session() as s, pytest.raises(revisions.Refused) as refused:
        revisions.draft(s, seed, "holidays", {"holidays": {"2026-02-30": "วันที่ไม่มีจริง"}}, "editor")
    assert "ช่อง «วันหยุด» (holidays.2026-02-30" in refused.value.problems[0]


def test_a_manual_naming_a_group_the_office_lacks_is_refused_by_the_whole_content_check(services):
    seed = services.settings.content_dir
    with services.db.session() as s:
        manual = revisions.current(s, seed, "procedures/teacher-transfer")
        with pytest.raises(revisions.Refused) as refused:
            revisions.draft(s, seed, "procedures/teacher-transfer", {**manual, "responsible_group": "กลุ่มที่ไม่มี"}, "ed")
    assert "responsible_group" in refused.value.problems[0] and "ตรวจทั้งชุดไม่ผ่าน" in refused.value.problems[0]


def test_a_published_phone_reaches_another_process_without_a_restart_and_a_revert_brings_the_old_back(
        services, settings, understander, bot):
    old = services.content.office.phone
    other = build_services(settings, understander)  # a second process on the same database
    try:
        other_bot = Bot(other, build_router())
        assert old in ask(other_bot, "เบอร์โทรสำนักงาน")
        live.of(other).check_every = 0  # its next look at the counter is due (seconds, in production)
        revision = publish(services, "office", office_with(services, phone=NEW_PHONE))
        assert NEW_PHONE in ask(other_bot, "เบอร์โทรสำนักงาน", user="U-new")
        with services.db.session() as s:
            revisions.revert(s, settings.content_dir, revision, "editor")
        answer = ask(other_bot, "เบอร์โทรสำนักงาน", user="U-third")
        assert old in answer and NEW_PHONE not in answer
    finally:
        other.db.dispose()


def changed_everywhere(services) -> None:
    """What an office changes after go-live: its phone, the holidays, an answer of its own, a new ITA year."""
    publish(services, "office", office_with(services, phone=NEW_PHONE))
    publish(services, "holidays", {"sample": True, "holidays": {"2027-01-01": "วันขึ้นปีใหม่"}})
    with services.db.session() as s:
        store.add_answer(s, "มีที่จอดรถไหม", "มีที่จอดรถด้านหลังอาคารค่ะ", ["จอดรถได้ที่ไหน"],
                         link="https://example.org/map")
        scores = ita_years.parse_scores("1=90,2=91,3=92,4=93,5=94,6=95,7=96,8=97,9=98,10=99")
        ita_years.store(s, ita_years.new_year(services.content.ita, 2565, scores)[0])


def test_the_export_is_a_content_directory_that_content_check_accepts(services, tmp_path, cli):
    changed_everywhere(services)
    status, out = cli("content", "export", str(tmp_path / "office"))
    assert status == 0 and "exported" in out
    status, out = cli("content", "check", str(tmp_path / "office"))
    assert status == 0 and "content is consistent" in out, out
    assert "045-777888" in (tmp_path / "office" / "office.yaml").read_text(encoding="utf-8")
    assert "2565" in (tmp_path / "office" / "ita" / "2565.yaml").read_text(encoding="utf-8")
    assert cli("content", "export", str(tmp_path / "office"))[0] == 2  # never over an earlier export


def test_export_then_import_into_an_empty_database_loses_nothing(services, settings, understander, tmp_path, bot):
    changed_everywhere(services)
    first, second = tmp_path / "first", tmp_path / "second"
    with services.db.session() as s:
        transfer.export(s, settings.content_dir, first)

    empty = settings.replace(database_url=f"sqlite:///{tmp_path}/empty.sqlite3")
    upgrade(empty.database_url)
    imported = build_services(empty, understander)
    try:
        with imported.db.session() as s:
            done = transfer.import_(s, empty.content_dir, first, "cli")
        assert sorted(done) == ["answers.yaml: เพิ่มคำตอบ 1 รายการ", "holidays: ปรับปรุง", "ita/2565: ปรับปรุง",
                                "office: ปรับปรุง"]
        with imported.db.session() as s:
            transfer.export(s, empty.content_dir, second)
        files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
        for f in files:
            assert (first / f).read_bytes() == (second / f).read_bytes(), f

        # the same answers to the whole public held-out set
        rows = [json.loads(line)["text"] for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows += ["มีที่จอดรถไหม", "ITA ปี 2565", "เบอร์โทรสำนักงาน"]
        again = Bot(imported, build_router())
        for n, text in enumerate(rows):
            assert ask(bot, text, user=f"U-{n}") == ask(again, text, user=f"U-{n}"), text
        assert NEW_PHONE in ask(again, "เบอร์โทรสำนักงาน", user="U-phone")
    finally:
        imported.db.dispose()


def test_answers_add_takes_a_link_given_with_the_answer(bot, services, cli):
    status, out = cli("answers", "add", "--question", "สำนักงานมีห้องละหมาดไหม", "--answer", "มีที่ชั้น 2 อาคาร 1",
                      "--link", "ftp://example.org")
    assert status == 2 and "--link" in out
    status, _ = cli("answers", "add", "--question", "สำนักงานมีห้องละหมาดไหม", "--answer", "มีที่ชั้น 2 อาคาร 1",
                    "--link", "https://example.org/map")
    assert status == 0
    live.of(services).check_every = 0
    assert ask(bot, "มีห้องละหมาดหรือเปล่าคะ") == "มีที่ชั้น 2 อาคาร 1\nhttps://example.org/map"


def test_migration_0013_creates_exactly_the_models_table(sqlite_template):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from bot.storage.registry import metadata

    engine = create_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert [d for d in diff if "'content_revision'" in repr(d) or "'office_answer'" in repr(d)] == []


def test_a_new_manual_is_understood_by_a_running_process_without_a_restart(services, bot):
    """Understanding learns a manual's words with the model: a published manual must reach it too."""
    seed = services.settings.content_dir
    with services.db.session() as s:
        model = revisions.current(s, seed, "procedures/teacher-transfer")
    manual = {**model, "id": "dormitory-permit", "title": "การขออนุญาตพักค้างหอพักนักเรียนช่วงปิดภาคเรียน",
              "short_title": "ขอพักหอช่วงปิดเทอม", "title_en": "", "keywords": ["หอพักนักเรียน", "พักค้างหอ"],
              "situations": []}
    question = "อยากพักค้างหอ ทำไง"
    assert not ask(bot, question).startswith(manual["title"])
    live.of(services).check_every = 0
    publish(services, "procedures/dormitory-permit", manual)
    ask(bot, "สวัสดี", user="U-looks")  # the next message looks at the counter and starts learning
    learning = live.of(services).relearning
    assert learning is not None
    learning.join(60)
    assert ask(bot, question, user="U-asks").startswith(manual["title"] + ":")  # its card, not a list

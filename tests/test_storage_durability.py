"""Which writes wait for the disk on SQLite: a complaint, its evidence and staff work always do
(synchronous=FULL); a message's claim, turn state and stored answer do not (NORMAL), since a redelivery of
the message redoes them. On PostgreSQL both are one engine."""
from __future__ import annotations

from sqlalchemy import event, text

from bot.storage.db import CHECKPOINT_PAGES
from tests.complaint_helpers import Person, code_in

FULL, NORMAL = 2, 1


def synchronous(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("PRAGMA synchronous")).scalar_one()


def test_only_the_redoable_engine_skips_the_disk_wait(services, database_url):
    db = services.db
    if not database_url.startswith("sqlite"):
        assert db.engines == (db.engine,) and db.redoable_engine is db.engine
        return
    assert synchronous(db.engine) == FULL
    assert synchronous(db.redoable_engine) == NORMAL
    for engine in db.engines:  # the same pragmas otherwise
        with engine.connect() as c:
            assert c.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert c.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert c.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == CHECKPOINT_PAGES > 1000


def test_pages_wait_in_the_wal_until_its_checkpoint_interval_then_go_into_the_database(services, database_url):
    """A commit copies the WAL into the database once it holds CHECKPOINT_PAGES, not before (the commits of
    a busy hour are not each slowed by a checkpoint) and not never (the WAL does not grow without end)."""
    import os

    if not database_url.startswith("sqlite"):
        return
    path, page = services.db.engine.url.database, 4096
    with services.db.redoable_engine.begin() as c:
        c.execute(text("CREATE TABLE filler (blob BLOB)"))
    before = os.path.getsize(path)

    def fill(pages: int) -> None:
        with services.db.redoable_engine.begin() as c:
            c.execute(text("INSERT INTO filler VALUES (randomblob(:n))"), {"n": pages * page})

    fill(CHECKPOINT_PAGES // 2)
    assert os.path.getsize(path) - before < CHECKPOINT_PAGES // 4 * page  # still in the WAL
    fill(CHECKPOINT_PAGES // 2 + 100)
    assert os.path.getsize(path) - before > CHECKPOINT_PAGES * page  # copied in by that commit


def test_a_complaint_is_written_by_the_engine_that_waits_for_the_disk(bot, services, database_url):
    if not database_url.startswith("sqlite"):
        return  # one engine: nothing to tell apart
    db = services.db
    writes: dict[str, list[str]] = {"full": [], "redoable": []}
    listeners = []
    for name, engine in (("full", db.engine), ("redoable", db.redoable_engine)):
        def listener(_c, _cur, sql, *_, name=name):
            if not sql.lstrip().upper().startswith("SELECT"):
                writes[name].append(sql)
        event.listen(engine, "before_cursor_execute", listener)
        listeners.append((engine, listener))
    try:
        turn = Person(bot, "U-durable").files_anonymous_corruption()
    finally:
        for engine, listener in listeners:
            event.remove(engine, "before_cursor_execute", listener)
    full, redoable = " ".join(writes["full"]).lower(), " ".join(writes["redoable"]).lower()
    assert code_in(turn)  # filed, and told so
    assert "insert into complaint " in full and "insert into complaint_evidence" in full
    assert "insert into complaint" not in redoable
    assert "conversation_state" in redoable  # the turns themselves went the cheap way

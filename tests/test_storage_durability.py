"""Which writes wait for the disk on SQLite: a complaint, its evidence and staff work always do
(synchronous=FULL); a message's claim, turn state and stored answer do not (NORMAL), since a redelivery of
the message redoes them. On PostgreSQL both are one engine."""
from __future__ import annotations

from sqlalchemy import event, text

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
    with db.redoable_engine.connect() as c:  # the same pragmas as the main engine otherwise
        assert c.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


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

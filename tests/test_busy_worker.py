"""What a busy web worker's threads share: a feature's data built once when many first questions come at
once, and database connections kept rather than opened for each transaction."""
from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, text

from bot import knowledge
from bot.storage import Database

THREADS = 16


def at_once(job, threads: int = THREADS) -> list:
    start = threading.Barrier(threads)

    def run(_):
        start.wait()
        return job()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, range(threads)))


def test_sixteen_first_questions_at_once_build_the_knowledge_index_once(services, monkeypatch):
    fresh = dataclasses.replace(services, knowledge=None)
    built, real = [], knowledge.build

    def slow_build(svc):
        built.append(threading.get_ident())
        time.sleep(0.05)  # long enough that every thread asks while the first one builds
        return real(svc)

    monkeypatch.setattr(knowledge, "build", slow_build)
    got = at_once(lambda: knowledge.of(fresh))
    assert len(built) == 1
    assert all(kb is got[0] for kb in got) and got[0] is not None
    asked = got[0].passages[0]
    assert got[0].search(asked.title).passage is asked


def test_a_worker_keeps_its_postgresql_connections_under_load(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serves one process; the pool of PostgreSQL connections is what is measured")
    db = Database(database_url)
    opened = []
    event.listen(db.engine, "connect", lambda *_: opened.append(1))

    def transaction():
        with db.engine.begin() as c:
            c.execute(text("SELECT pg_sleep(0.02)"))

    for _ in range(3):  # three bursts of more transactions at once than the pool holds
        at_once(transaction, threads=24)
    assert len(opened) <= db.pool_capacity  # each connection opened once and kept, none per transaction
    db.engine.dispose()


def test_an_answer_is_marked_sent_in_one_round_trip_and_stays_marked(services):
    """The sending pool marks each delivered answer: one statement (autocommit on PostgreSQL, no BEGIN and
    COMMIT around it), seen at once by any other connection; the pooled connection then works in
    transactions again."""
    from datetime import timedelta

    from bot.outbox import rows
    from bot.outbox.models import OutboxMessage
    from bot.storage import utcnow

    now = utcnow()
    row = rows.leased_row(services.db.engine.dialect, "line", "U-sent", {"rendered": [{"type": "text", "text": "ok"}]},
                          purpose="answer", ref=None, now=now, until=now + timedelta(seconds=30))
    with services.db.engine.begin() as c:
        row_id, _ = row.insert(c)
    said = []

    def seen(conn, _cursor, statement, *_):
        driver = conn.connection.driver_connection
        said.append((statement.split()[0], getattr(driver, "autocommit", None)))

    engine = services.db.redoable_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        rows.mark_sent(services, row_id, now)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    postgresql = engine.dialect.name == "postgresql"
    assert said == [("UPDATE", True if postgresql else None)]  # PostgreSQL: no BEGIN and COMMIT round trips
    other = Database(services.settings.database_url)
    with other.session() as s:
        sent = s.get(OutboxMessage, row_id)
        assert (sent.status, sent.payload, sent.target) == ("sent", {}, "")
    other.engine.dispose()
    with services.db.engine.connect() as c:  # back in the pool as it was: a rollback undoes what it wrote
        c.execute(text("UPDATE outbox_message SET attempts = 99 WHERE id = :id"), {"id": row_id})
        c.rollback()
        assert c.execute(text("SELECT attempts FROM outbox_message WHERE id = :id"), {"id": row_id}).scalar() == 1

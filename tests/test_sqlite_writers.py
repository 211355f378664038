"""SQLite writers queue on the database's writers' lock (bot/storage/sqlite_writers.py) instead of meeting
SQLite's busy handler: checked with a busy timeout of 0, where a writer that met the lock would fail."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from bot.storage import Database
from bot.storage.sqlite_writers import QueuedWriters, for_database


@pytest.fixture
def path(tmp_path) -> str:
    p = str(tmp_path / "w.sqlite3")
    with sqlite3.connect(p) as c:
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, who TEXT)")
    return p


def connect(path: str, timeout: float = 0) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=timeout, factory=for_database(path), check_same_thread=False)


def test_a_second_writer_waits_for_the_first_instead_of_failing(path):
    first, second = connect(path), connect(path)
    first.cursor().execute("INSERT INTO t VALUES (1, 'first')")  # the write transaction is open
    done: list[str] = []

    def write_second():
        second.cursor().execute("INSERT INTO t VALUES (2, 'second')")  # busy timeout 0: would raise if it met SQLite's lock
        second.commit()
        done.append("second")

    thread = threading.Thread(target=write_second)
    thread.start()
    time.sleep(0.2)
    assert done == []  # still queued behind the first
    done.append("first")
    first.commit()
    thread.join(5)
    assert done == ["first", "second"]
    assert [r[0] for r in first.execute("SELECT who FROM t ORDER BY n")] == ["first", "second"]


def test_without_the_lock_the_same_second_writer_fails(path):
    """The control for the test above: plain connections meet SQLite's lock and, with no busy wait, fail."""
    first, second = sqlite3.connect(path, timeout=0), sqlite3.connect(path, timeout=0)
    first.execute("INSERT INTO t VALUES (1, 'first')")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO t VALUES (2, 'second')")
    first.commit()


def test_the_lock_is_given_back_by_rollback_by_a_failed_write_and_by_close(path):
    a, b = connect(path), connect(path)
    a.cursor().execute("INSERT INTO t VALUES (1, 'a')")
    a.rollback()
    b.cursor().execute("INSERT INTO t VALUES (1, 'b')")  # would wait forever if a kept the lock
    b.commit()
    with pytest.raises(sqlite3.OperationalError):
        a.cursor().execute("INSERT INTO missing VALUES (1)")  # fails before a transaction begins
    b.cursor().execute("INSERT INTO t VALUES (2, 'b')")
    b.commit()
    a.cursor().execute("INSERT INTO t VALUES (3, 'a')")
    a.close()  # closed mid-transaction: the write is dropped, the lock freed
    b.cursor().execute("INSERT INTO t VALUES (3, 'b')")
    b.commit()
    assert [r[0] for r in b.execute("SELECT who FROM t ORDER BY n")] == ["b", "b", "b"]


def test_a_process_that_dies_holding_the_lock_frees_it(path):
    code = (f"import os, sqlite3; from bot.storage.sqlite_writers import for_database; "
            f"c = sqlite3.connect({path!r}, factory=for_database({path!r})); "
            f"c.cursor().execute(\"INSERT INTO t VALUES (9, 'dead')\"); print('held', flush=True); os._exit(1)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.stdout.strip() == "held"
    c = connect(path)
    c.cursor().execute("INSERT INTO t VALUES (1, 'alive')")
    c.commit()
    assert [r[0] for r in c.execute("SELECT who FROM t")] == ["alive"]


def test_a_transaction_begun_by_a_write_it_does_not_recognise_never_takes_the_lock(path):
    a, b = connect(path), connect(path, timeout=5)
    a.cursor().execute("/* a comment first */ INSERT INTO t VALUES (1, 'unrecognised')")
    assert a.in_transaction and not a._locked
    a.cursor().execute("INSERT INTO t VALUES (2, 'later')")  # same transaction: still no file lock
    assert not a._locked
    b_done = threading.Event()
    threading.Thread(target=lambda: (b.cursor().execute("INSERT INTO t VALUES (3, 'b')"), b.commit(),
                                     b_done.set())).start()
    time.sleep(0.1)
    a.commit()  # b took the file lock and waited in SQLite's busy handler: no lock order to deadlock on
    assert b_done.wait(5)


def test_the_apps_sqlite_engines_use_it(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/app.sqlite3")
    try:
        for engine in db.engines:
            with engine.connect() as conn:
                assert isinstance(conn.connection.dbapi_connection, QueuedWriters)
                conn.execute(text("CREATE TABLE IF NOT EXISTS x (n INTEGER)"))
                conn.execute(text("INSERT INTO x VALUES (1)"))
                conn.commit()
        assert (tmp_path / "app.sqlite3-writers.lock").exists()
    finally:
        db.dispose()


def test_a_writer_kept_waiting_too_long_goes_on_to_sqlites_own_busy_handling(path, monkeypatch):
    monkeypatch.setattr("bot.storage.sqlite_writers.WAIT_AT_MOST", 0.2)
    first, second = connect(path), connect(path)
    first.cursor().execute("INSERT INTO t VALUES (1, 'first')")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # busy timeout 0: SQLite says so at once
        second.cursor().execute("INSERT INTO t VALUES (2, 'second')")
    assert 0.2 <= time.monotonic() - started < 2
    assert not second._locked
    first.commit()
    second.cursor().execute("INSERT INTO t VALUES (2, 'second')")  # and the lock works again afterwards
    second.commit()

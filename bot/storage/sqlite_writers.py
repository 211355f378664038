"""SQLite writers of every process queue on one file lock instead of sleeping in SQLite's busy handler.

SQLite lets one connection write at a time. A connection that finds the write lock taken calls its busy
handler, which sleeps 1, 2, 5, 10... ms and tries again: the other writer is done in a tenth of that, so
with two gunicorn workers answering LINE (two short write transactions a message each) a worker slept
about 0.7 ms a message (400 sleeps per 1,000 messages, counted with strace), a third of its time. Here a
connection takes an exclusive `flock` on `<database>-writers.lock` just before the first write of its
transaction and gives it back when the transaction ends. A waiting writer tries again after 25 µs,
doubling to at most 0.5 ms, so it goes on soon after the lock is free. It waits at most WAIT_AT_MOST
(the app's busy timeout), then goes on without the file lock and SQLite's own busy handling decides, as
before: a writer waiting on something the lock's holder waits for is held up, not hung.

Only an optimisation: SQLite's own locking still decides. A write this does not recognise (one that does
not start with INSERT, UPDATE, DELETE or REPLACE) starts its transaction without the file lock, and then
the transaction never takes it, so no two locks are ever waited on in opposite orders. The lock goes
with its file descriptor: a process that dies frees it.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import time

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")
FIRST_PAUSE, LONGEST_PAUSE = 25e-6, 5e-4  # seconds between tries while the lock is taken
WAIT_AT_MOST = 10.0  # seconds; db.py gives SQLite's busy handler the same


def take(fd: int, timeout: float) -> bool:
    """The exclusive lock on `fd`, waiting up to `timeout` seconds; False when it stayed taken."""
    deadline, pause = None, FIRST_PAUSE
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            now = time.monotonic()
            deadline = deadline or now + timeout
            if now >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)


def _is_write(sql: str) -> bool:
    return sql.lstrip()[:6].upper() in WRITES


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection._before(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection._after()

    def executemany(self, sql, seq_of_parameters, /):
        self.connection._before(sql)
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            self.connection._after()


class QueuedWriters(sqlite3.Connection):
    """A sqlite3 connection (`sqlite3.connect(..., factory=for_database(path))`) whose write transactions
    hold the database's writers' lock."""

    lock_path = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        self._locked = False

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    def _before(self, sql: str) -> None:
        if not self._locked and not self.in_transaction and _is_write(sql):
            self._locked = take(self._lock_fd, WAIT_AT_MOST)

    def _after(self) -> None:
        if self._locked and not self.in_transaction:  # failed before it began, or autocommitted
            self._unlock()

    def _unlock(self) -> None:
        self._locked = False
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self):
        try:
            super().commit()
        finally:
            self._after()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._after()

    def close(self):
        try:
            super().close()
        finally:
            if self._lock_fd >= 0:
                if self._locked:
                    self._unlock()
                os.close(self._lock_fd)
                self._lock_fd = -1


def for_database(path: str) -> type[QueuedWriters]:
    """The connection class for the SQLite file at `path`."""
    return type("QueuedWriters", (QueuedWriters,), {"lock_path": f"{path}-writers.lock"})

"""Engine and sessions. SQLite (the embedded default) and PostgreSQL (production, CI) behave alike here."""
from __future__ import annotations

import json
import logging
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable, Iterator, TypeVar

from sqlalchemy import DateTime, create_engine, event, exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


def per_dialect(build: Callable[[Callable], T]) -> dict[str, T]:
    """A statement with an upsert (`INSERT ... ON CONFLICT`), built once for each backend from its dialect's
    `insert`, looked up by `engine.dialect.name` per call: on the hot path constructing a statement costs
    more than running it on SQLite."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return {"sqlite": build(sqlite_insert), "postgresql": build(pg_insert)}


class SQLiteShared(RuntimeError):
    """A SQLite database configured for more than one process."""


def refuse_shared_sqlite(url: str, processes: int) -> None:
    """Stop a deployment that would run `processes` processes on one SQLite database.

    SQLite serves one process: the per-user turn lock lives in that process's memory (bot/core/state.py), so
    two processes could answer one user at once and one save would drop the other's. Several processes need
    PostgreSQL, where that lock is the user's row.
    """
    if processes > 1 and make_url(url).get_backend_name() == "sqlite":
        raise SQLiteShared(f"SQLite serves one process; use PostgreSQL "
                           f"(DATABASE_URL=postgresql+psycopg://...) for {processes} processes")


def warn_if_sqlite(url: str, process: str) -> None:
    """A process of its own (the Procfile's worker or clock) beside a web server on one SQLite database."""
    if make_url(url).get_backend_name() == "sqlite":
        logging.getLogger("bot").warning(
            "%s on SQLite: SQLite serves one process, so with a web server beside this one use PostgreSQL, or "
            "`make run`, whose one process runs the %s as a thread", process, process)


# Pages the WAL may hold before a commit copies them into the database (SQLite's default: 1,000, ~4 MB). A
# chat message's commit writes about ten pages, so at the default every hundredth message or so ran a
# checkpoint inside its commit: two fsyncs, while every other writer waited. At 10,000 (~40 MB of WAL)
# checkpoints are a tenth as many, and a page written many times between two of them is copied once.
CHECKPOINT_PAGES = 10_000
# Seconds a SQLite connection waits for another (this process's threads: one writes at a time) to finish
# writing before its statement fails as "database is locked".
BUSY_TIMEOUT = 10.0


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cur.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
    cur.close()


def _sqlite_no_disk_wait(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class NoRowLogging(logging.Filter):
    """SQLAlchemy's DEBUG log prints every fetched row (details, names, platform ids), and
    `hide_parameters` does not cover rows: they are dropped here, statements stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


def _quiet_engine_logs() -> None:
    for name in ("sqlalchemy.engine.Engine", "sqlalchemy.engine"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoRowLogging) for f in logger.filters):
            logger.addFilter(NoRowLogging())


# A pooled connection idle longer than this is pinged before use (a database restarted meanwhile is noticed
# then, not by the request); one in steady use is not, which saves a round trip per checkout. Connections
# older than RECYCLE are replaced, and a disconnect seen mid-request invalidates the whole pool.
PING_AFTER_IDLE = 10.0
RECYCLE = 1800


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_conn, record, _proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            cur = dbapi_conn.cursor()
            cur.execute("SELECT 1")
            cur.close()
        except Exception as error:  # the pool retries the checkout with a new connection
            raise exc.DisconnectionError() from error


def _json_text(value) -> str:
    """JSON columns (conversation state, outbox payloads) hold Thai as UTF-8, not as \\u escapes: as fast to
    encode, and a chat answer's row about 40 % smaller, so fewer pages a commit writes."""
    return json.dumps(value, ensure_ascii=False)


class Database:
    def __init__(self, url: str):
        self.url = url
        # Parameters are what a complaint says: never in logs or exception messages.
        kwargs: dict = {"future": True, "hide_parameters": True, "json_serializer": _json_text}
        self.pool_capacity: int | None = None  # connections a pool may open at once (None: no limit kept)
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT}
        else:
            # Per process: a web worker's threads hold a connection for a transaction's milliseconds, so 15
            # serve its 16 request and 16 sending threads, and a deployment of two web workers, the worker
            # and the clock stays well inside PostgreSQL's 100 connections (max_connections). All 15 are
            # kept once opened: an overflow connection would be opened and closed for each transaction
            # under load (a PostgreSQL backend started each time, and its prepared statements lost).
            kwargs.update(pool_size=15, max_overflow=0, pool_recycle=RECYCLE)
            self.pool_capacity = 15
        self.engine: Engine = create_engine(url, **kwargs)
        if not url.startswith("sqlite"):
            _ping_when_idle(self.engine)
        _quiet_engine_logs()
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.redoable_engine = self._redoable_engine(url, kwargs)

    def _redoable_engine(self, url: str, kwargs: dict) -> Engine:
        """For the writes of a message's turn that the platform's redelivery would make again (the event's
        claim, the conversation state and its stored answer, the follower's touch, the answer marked sent).

        On a SQLite file a commit at synchronous=FULL waits for the disk (fsync), about half of a
        message's database cost. These commit at NORMAL (WAL): never corrupt and durable across any crash
        of the process; only a power cut may undo the last moments of them, which an unanswered webhook's
        redelivery redoes (complaints are filed idempotently per draft). Complaints, evidence, staff work
        and everything else stay on `engine` at FULL. PostgreSQL's fsync is the server's, not the worker's:
        there both are one engine.
        """
        if not url.startswith("sqlite") or make_url(url).database in (None, "", ":memory:"):
            return self.engine  # an in-memory database is one connection's: a second engine would not see it
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", _sqlite_no_disk_wait)
        return engine

    @contextmanager
    def one_write(self) -> Iterator[Connection]:
        """A connection for one redoable statement that needs no transaction around it (an answer marked
        sent). On PostgreSQL it runs in autocommit: one round trip to the server instead of three (BEGIN,
        the statement, COMMIT), for every answer a web worker sends. SQLite commits it as `redoable_engine`
        does."""
        if self.engine.dialect.name != "postgresql":
            with self.redoable_engine.begin() as conn:
                yield conn
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    @property
    def engines(self) -> tuple[Engine, ...]:
        return (self.engine,) if self.redoable_engine is self.engine else (self.engine, self.redoable_engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()

"""A database of the bench's own for one run: created on a PostgreSQL server and dropped after, or a
temporary SQLite file when no server answers."""
from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+psycopg://botci:botci@127.0.0.1:5432/postgres"


def default_postgres() -> str:
    return os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES


def postgres_answers(url: str) -> str | None:
    """None if the server answers, otherwise why not (one line)."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3} if "psycopg" in url else {})
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL for this run
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"


@contextmanager
def scratch_database(postgres_url: str | None):
    """A new empty database: a temporary SQLite file, or a database created (then dropped) on the server."""
    if not postgres_url:
        with tempfile.TemporaryDirectory(prefix="bench-db-") as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_engines: dict = {}


def owed_answers(url: str) -> int | None:
    """LINE messages the bot still owes (outbox rows not yet sent), or None if it cannot tell."""
    try:
        engine = _engines.get(url) or _engines.setdefault(url, create_engine(url, pool_size=1))
        with engine.connect() as c:
            return int(c.execute(text("SELECT count(*) FROM outbox_message WHERE status = 'pending' "
                                      "AND channel = 'line'")).scalar())
    except Exception:  # noqa: BLE001 - a schema the bench does not know: the caller waits for quiet instead
        return None

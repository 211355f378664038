"""SQLite serves one process: a deployment that would run more on it is stopped with what to do instead."""
from __future__ import annotations

import pytest

from bot.storage import SQLiteShared, refuse_shared_sqlite


@pytest.mark.parametrize("url", ["sqlite:///var/bot.sqlite3", "sqlite+pysqlite:////srv/bot/bot.sqlite3",
                                 "sqlite://"])
def test_several_processes_on_sqlite_are_refused_with_what_to_use_instead(url):
    with pytest.raises(SQLiteShared) as refused:
        refuse_shared_sqlite(url, 3)
    assert str(refused.value) == ("SQLite serves one process; use PostgreSQL "
                                  "(DATABASE_URL=postgresql+psycopg://...) for 3 processes")


@pytest.mark.parametrize("url, processes", [
    ("sqlite:///var/bot.sqlite3", 1),
    ("postgresql+psycopg://bot:secret@db.example/bot", 1),
    ("postgresql+psycopg://bot:secret@db.example/bot", 8),
])
def test_one_process_on_sqlite_and_any_number_on_postgresql_go_ahead(url, processes):
    refuse_shared_sqlite(url, processes)


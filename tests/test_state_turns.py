"""One user's turns one at a time, across workers too; and more people at once than the connection pool
holds: on PostgreSQL each turn keeps a connection for its row lock while its handler opens sessions of its
own (filing, the receipt), so without a bound every pooled connection could be held by a turn waiting for
a second one, and all of them would fail together."""
from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.core.state import StateStore
from bot.storage import Database
from bot.storage.models import ConversationState


def test_more_turns_at_once_than_the_pool_holds_all_finish(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the row-locking turn (and its pool) is PostgreSQL's")
    db = Database(database_url)
    states = StateStore(db, timedelta(minutes=30))
    people = db.pool_capacity + 10

    def person(n: int) -> int:
        with states.turn("line", f"U{n:032d}") as state:
            time.sleep(0.2)  # the turns overlap, as 50 people filing at once do
            with db.session() as s:  # a handler's own unit of work inside the turn
                state.data = {"step": s.scalar(text("SELECT 1"))}
        return n

    try:
        with ThreadPoolExecutor(people) as pool:
            assert sorted(pool.map(person, range(people))) == list(range(people))
        with db.session() as s:
            assert len(s.scalars(select(ConversationState)).all()) == people
    finally:
        db.engine.dispose()


TURNS_EACH = 25


def _count_up(database_url: str, turns: int) -> None:
    """A worker process (spawned: nothing inherited) adding one to the user's count, `turns` times."""
    db = Database(database_url)
    states = StateStore(db, timedelta(minutes=30))
    for _ in range(turns):
        with states.turn("line", "U-two-workers") as state:
            count = state.data.get("count", 0)
            time.sleep(0.003)  # the handler's time: the other worker's turn of this user would start now
            state.data = {"count": count + 1}
    db.dispose()


def test_two_workers_taking_turns_of_one_user_at_once_lose_nothing(database_url):
    """Two gunicorn workers, each with its own locks in memory, answering one user's messages at the same
    moment (LINE delivers a user's events in parallel): every turn sees the one before it. On SQLite the
    turn lock's stripes are bytes of a file locked across processes; on PostgreSQL the user's row."""
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_count_up, args=(database_url, TURNS_EACH)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    db = Database(database_url)
    try:
        data, _expired = StateStore(db, timedelta(minutes=30)).load("line", "U-two-workers")
        assert data == {"count": 2 * TURNS_EACH}
    finally:
        db.dispose()

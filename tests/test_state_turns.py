"""One user's turns one at a time (across processes too, on PostgreSQL); and more people at once than the
connection pool holds: on PostgreSQL each turn keeps a connection for its row lock while its handler opens
sessions of its own (filing, the receipt), so without a bound every pooled connection could be held by a
turn waiting for a second one, and all of them would fail together."""
from __future__ import annotations

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


def _count_up(states: StateStore, turns: int) -> None:
    """A thread answering the user's messages: each turn adds one to the user's count."""
    for _ in range(turns):
        with states.turn("line", "U-at-once") as state:
            count = state.data.get("count", 0)
            time.sleep(0.003)  # the handler's time: the other thread's turn of this user would start now
            state.data = {"count": count + 1}


def _count_from_two_threads(one: StateStore, other: StateStore) -> dict:
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(_count_up, (one, other), (TURNS_EACH, TURNS_EACH)))
    return one.load("line", "U-at-once")[0]


def test_one_users_messages_answered_at_once_lose_no_save(database_url):
    """LINE delivers a user's events in parallel, so two threads of the worker answer them at the same
    moment: every turn sees the one before it, on SQLite (the process's own lock) and on PostgreSQL."""
    db = Database(database_url)
    try:
        states = StateStore(db, timedelta(minutes=30))
        assert _count_from_two_threads(states, states) == {"count": 2 * TURNS_EACH}
    finally:
        db.dispose()


def test_on_postgresql_two_processes_turns_of_one_user_lose_no_save(database_url):
    """Two processes (or instances) share nothing in memory: each here has its own engine and its own
    in-process locks, and the user's row keeps their turns apart."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serves one process (bot.storage.refuse_shared_sqlite)")
    dbs = [Database(database_url) for _ in range(2)]
    try:
        one, other = (StateStore(db, timedelta(minutes=30)) for db in dbs)
        assert _count_from_two_threads(one, other) == {"count": 2 * TURNS_EACH}
    finally:
        for db in dbs:
            db.dispose()

"""More people at once than the connection pool holds: on PostgreSQL each turn keeps a connection for its row
lock while its handler opens sessions of its own (filing, the receipt), so without a bound every pooled
connection could be held by a turn waiting for a second one, and all of them would fail together."""
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

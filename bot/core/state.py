"""Per-user conversation state in the database, expiring after inactivity.

One user's turns are serialised: two messages arriving at once (LINE delivers events in parallel) would
otherwise both read the same state and the later save would drop what the earlier one added.
"""
from __future__ import annotations

import copy
import threading
import zlib
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from bot.storage import Database, utcnow
from bot.storage.models import ConversationState


@dataclass
class TurnState:
    data: dict
    expired: bool
    # Written in the transaction that saves the state (e.g. the turn's answer), so both or neither stay.
    writes: list[Callable[[Session], None]] = field(default_factory=list)


class StateStore:
    LOCKS = 64  # striped in-process locks: bounded memory, rare false sharing

    def __init__(self, db: Database, ttl: timedelta):
        self.db = db
        self.ttl = ttl
        self._locks = [threading.Lock() for _ in range(self.LOCKS)]
        # A PostgreSQL turn holds a pooled connection (the row lock) while its handler opens sessions of its
        # own: with more turns at once than half the pool, every connection could be held by a turn waiting
        # for a second one. Bounding the turns leaves each a second connection, and a few for other threads.
        capacity = getattr(db, "pool_capacity", None) or 0
        self._pg_turns = threading.BoundedSemaphore(max(1, (capacity - 2) // 2)) if capacity else None

    def _interpret(self, data: dict | None, updated_at: datetime, now: datetime) -> TurnState:
        # A deep copy: the ORM compares old and new values to decide on an UPDATE, so the loaded value
        # must not be changed in place.
        data = copy.deepcopy(data or {})
        if now - updated_at > self.ttl:
            return TurnState({"expired": data}, True)
        return TurnState(data, False)

    @contextmanager
    def turn(self, channel: str, user_id: str, now: datetime | None = None) -> Iterator[TurnState]:
        """The user's state for one turn, saved when the block ends without error.

        Threads of this process wait on a striped lock; on PostgreSQL the row is also locked
        (SELECT ... FOR UPDATE) so turns in other workers wait too. SQLite serialises writers itself,
        and holding its transaction open across the turn would conflict with the handlers' own writes.
        """
        now = now or utcnow()
        with self._locks[zlib.crc32(f"{channel}:{user_id}".encode()) % self.LOCKS]:
            if self.db.engine.dialect.name != "postgresql":
                data, expired = self.load(channel, user_id, now)
                state = TurnState(data, expired)
                yield state
                self.save(channel, user_id, state.data, now, state.writes)
                return
            with self._pg_turns or nullcontext(), self.db.session() as s:
                s.execute(pg_insert(ConversationState).values(channel=channel, user_id=user_id, data={},
                                                              updated_at=now).on_conflict_do_nothing())
                row = s.execute(select(ConversationState).where(
                    ConversationState.channel == channel, ConversationState.user_id == user_id)
                    .with_for_update()).scalar_one()
                state = self._interpret(row.data, row.updated_at, now)
                yield state
                if not state.data:
                    s.delete(row)  # nothing to remember: no row (and no time) is kept
                else:
                    row.data = state.data
                    row.updated_at = now
                for write in state.writes:  # the turn's own writes (its stored answer) go in either way
                    write(s)

    def load(self, channel: str, user_id: str, now: datetime | None = None) -> tuple[dict, bool]:
        """The user's state, and whether an older one expired (so a flow can say nothing was filed)."""
        now = now or utcnow()
        with self.db.session() as s:
            row = s.get(ConversationState, (channel, user_id))
            if row is None:
                return {}, False
            state = self._interpret(row.data, row.updated_at, now)
            return state.data, state.expired

    def save(self, channel: str, user_id: str, data: dict, now: datetime | None = None,
             writes: list[Callable[[Session], None]] = ()) -> None:
        now = now or utcnow()
        with self.db.session() as s:
            row = s.get(ConversationState, (channel, user_id))
            if not data:
                if row is not None:
                    s.delete(row)  # nothing to remember: no row (and no time) is kept
            elif row is None:
                s.add(ConversationState(channel=channel, user_id=user_id, data=data, updated_at=now))
            else:
                row.data = data
                row.updated_at = now
            for write in writes:  # the turn's own writes (its stored answer) go in either way
                write(s)

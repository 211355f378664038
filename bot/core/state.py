"""Per-user conversation state in the database, expiring after inactivity.

One user's turns are serialised: two messages arriving at once (LINE delivers events in parallel) would
otherwise both read the same state and the later save would drop what the earlier one added. The lock
follows the database, as Rasa's lock stores do (in memory, or shared): SQLite serves one process, so an
in-process lock is enough there (`refuse_shared_sqlite` in bot/storage/db.py stops more processes); on
PostgreSQL, which several processes and instances share, the user's row is locked for the turn.
"""
from __future__ import annotations

import threading
import zlib
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterator

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Dialect

from bot.storage import Database, per_dialect, utcnow
from bot.storage.models import ConversationState
from bot.storage.prepared import Bound, Prepared

TABLE = ConversationState.__table__
KEY = (TABLE.c.channel, TABLE.c.user_id)
# Built once (bot/storage/prepared.py): they run on every message.
IS_USER = (KEY[0] == bindparam("b_channel")) & (KEY[1] == bindparam("b_user_id"))
LOAD = Prepared(select(TABLE.c.data, TABLE.c.updated_at).where(IS_USER))
DELETE = Prepared(delete(TABLE).where(IS_USER))
UPDATE = Prepared(update(TABLE).where(IS_USER).values(data=bindparam("new_data"), updated_at=bindparam("now")))


def _upsert(insert):
    stmt = insert(TABLE).values(channel=bindparam("b_channel"), user_id=bindparam("b_user_id"),
                                data=bindparam("new_data", type_=TABLE.c.data.type),
                                updated_at=bindparam("now", type_=TABLE.c.updated_at.type))
    return stmt.on_conflict_do_update(index_elements=list(KEY), set_={"data": stmt.excluded.data,
                                                                      "updated_at": stmt.excluded.updated_at})


UPSERT = Prepared(per_dialect(_upsert))
# PostgreSQL: a new row is inserted, an existing one "updated" to itself; either way it is locked for the
# turn's transaction and returned, in one round trip.
_claim = pg_insert(TABLE).values(channel=bindparam("b_channel"), user_id=bindparam("b_user_id"),
                                 data=bindparam("new_data", type_=TABLE.c.data.type),
                                 updated_at=bindparam("now", type_=TABLE.c.updated_at.type))
LOCK_PG = Prepared(_claim.on_conflict_do_update(index_elements=list(KEY), set_={"channel": _claim.excluded.channel})
                   .returning(TABLE.c.data, TABLE.c.updated_at))


# A write done in the transaction that saves a turn's state, on its Core connection.
TurnWrite = Callable[[Connection], None]


@dataclass(frozen=True)
class TurnClaim:
    """A channel's claim of the platform's event for a turn (bot/channels/answers.py), in two parts: `check`
    reads whether the event is claimed already, `take` claims it; each raises to leave the turn unrun (or
    unsaved)."""
    check: TurnWrite
    take: TurnWrite


@dataclass
class TurnState:
    data: dict
    expired: bool
    # Written in the transaction that saves the state (e.g. the turn's answer), so both or neither stay. A
    # write gets the transaction's Core connection: it executes statements, as a Session would, without
    # the ORM's unit of work (which a turn, run on every message, never needs).
    writes: list[TurnWrite] = field(default_factory=list)


class StateStore:
    """Lean on purpose (it runs on every message): Core statements, one upsert or delete per save."""

    LOCKS = 64  # striped in-process locks: bounded memory, rare false sharing
    # Keys that outlive an expired state: the live chat's flag (bot/livechat/handlers.py), because a chat a
    # person holds does not end when the conversation state does.
    KEPT_ON_EXPIRY = ("livechat",)

    def __init__(self, db: Database, ttl: timedelta):
        self.db = db
        self.ttl = ttl
        self._locks = [threading.Lock() for _ in range(self.LOCKS)]
        # A PostgreSQL turn holds a pooled connection (the row lock) while its handler opens sessions of its
        # own: with more turns at once than half the pool, every connection could be held by a turn waiting
        # for a second one. Bounding the turns leaves each a second connection, and a few for other threads.
        capacity = getattr(db, "pool_capacity", None) or 0
        self._pg_turns = threading.BoundedSemaphore(max(1, (capacity - 2) // 2)) if capacity else None
        self._postgresql = db.engine.dialect.name == "postgresql"

    def _interpret(self, data: dict | None, updated_at: datetime, now: datetime) -> TurnState:
        data = data or {}  # freshly decoded JSON: the caller may change it in place
        if now - updated_at > self.ttl:
            kept = {k: data[k] for k in self.KEPT_ON_EXPIRY if k in data}
            return TurnState({"expired": data, **kept}, True)
        return TurnState(data, False)

    @contextmanager
    def turn(self, channel: str, user_id: str, now: datetime | None = None,
             claim: TurnClaim | None = None) -> Iterator[TurnState]:
        """The user's state for one turn, saved when the block ends without error.

        `claim` (a channel's claim of the platform's event) commits or rolls back with the turn's state. On
        PostgreSQL it is taken in the turn's one transaction, once the user's row is locked and before the
        turn runs, so another instance's delivery of the event waits for the lock, then finds it claimed.
        On SQLite it is checked with the state's read and taken as the save's first write: one write
        transaction a message, not two (SQLite writes one at a time; the process's other threads wait). A
        delivery that finds the event claimed is not run; one that another delivery beat to the save (both
        ran at once, which the turn lock leaves to a second StateStore) is not saved, nor its answer given.

        Threads of this process wait on a striped in-process lock: on SQLite that is the turn lock, and
        SQLite's own transaction is not held open across the turn (it would conflict with the handlers'
        own writes). On PostgreSQL the turn lock is the user's row (an upsert that returns the row takes
        its lock), which other processes wait for; the in-process lock goes first there too, so this
        process's turns of one user wait without each holding a pooled connection.
        """
        now = now or utcnow()
        stripe = zlib.crc32(f"{channel}:{user_id}".encode()) % self.LOCKS
        with self._locks[stripe]:
            if not self._postgresql:
                # One pooled connection for the read and the save, none of its transactions open meanwhile.
                with self.db.redoable_engine.connect() as c:
                    with c.begin():
                        data, expired = self._load(c, channel, user_id, now)
                        if claim is not None:
                            claim.check(c)
                    state = TurnState(data, expired)
                    yield state
                    saving = self._saving(c.dialect, channel, user_id, state.data, now)
                    with c.begin():
                        if claim is not None:
                            claim.take(c)  # the first write: nothing is written when it raises
                        self._save(c, saving, state.writes)
                return
            with self._pg_turns or nullcontext(), self.db.engine.begin() as s:
                key = {"b_channel": channel, "b_user_id": user_id}
                data, updated_at = LOCK_PG.first(s, {**key, "new_data": {}, "now": now})
                if claim is not None:
                    claim.take(s)
                state = self._interpret(data, updated_at, now)
                yield state
                if not state.data:
                    DELETE.execute(s, key)  # nothing to remember: no row (and no time) is kept
                else:
                    UPDATE.execute(s, {**key, "new_data": state.data, "now": now})
                for write in state.writes:  # the turn's own writes (its stored answer) go in either way
                    write(s)

    def load(self, channel: str, user_id: str, now: datetime | None = None) -> tuple[dict, bool]:
        """The user's state, and whether an older one expired (so a flow can say nothing was filed)."""
        with self.db.engine.connect() as c:
            return self._load(c, channel, user_id, now or utcnow())

    def _load(self, c: Connection, channel: str, user_id: str, now: datetime) -> tuple[dict, bool]:
        row = LOAD.first(c, {"b_channel": channel, "b_user_id": user_id})
        if row is None:
            return {}, False
        state = self._interpret(*row, now)
        return state.data, state.expired

    def save(self, channel: str, user_id: str, data: dict, now: datetime | None = None,
             writes: list[TurnWrite] = ()) -> None:
        """One statement for the state (an upsert, or a delete when nothing is left), then the turn's writes,
        in one transaction, one a redelivery of the message would redo (Database.redoable_engine)."""
        engine = self.db.redoable_engine
        saving = self._saving(engine.dialect, channel, user_id, data, now or utcnow())
        with engine.begin() as c:
            self._save(c, saving, writes)

    @staticmethod
    def _saving(dialect: Dialect, channel: str, user_id: str, data: dict, now: datetime) -> Bound:
        """The state's one statement: an upsert, or a delete when nothing is left to remember (no row, and
        no time, is kept)."""
        key = {"b_channel": channel, "b_user_id": user_id}
        return UPSERT.bind(dialect, {**key, "new_data": data, "now": now}) if data else DELETE.bind(dialect, key)

    @staticmethod
    def _save(c: Connection, saving: Bound, writes: list[TurnWrite]) -> None:
        saving.execute(c)
        for write in writes:  # the turn's own writes (its stored answer) go in either way
            write(c)

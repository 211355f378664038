"""Hot statements run on the DBAPI cursor (bot/storage/prepared.py) store and read exactly what SQLAlchemy's
own execution would, inside the caller's transaction, with SQLAlchemy's errors and listeners."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Text, bindparam, event, exc, insert, select, update

from bot.outbox.models import OutboxMessage
from bot.storage import Database
from bot.storage.models import ConversationState, ProcessedEvent
from bot.storage.prepared import Prepared

T0 = datetime(2026, 12, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
STATE = ConversationState.__table__
OUTBOX = OutboxMessage.__table__

SAVE = Prepared(insert(STATE).values(channel=bindparam("b_channel"), user_id=bindparam("b_user"),
                                     data=bindparam("b_data", type_=STATE.c.data.type),
                                     updated_at=bindparam("b_now", type_=STATE.c.updated_at.type)))
LOAD = Prepared(select(STATE.c.data, STATE.c.updated_at).where(STATE.c.user_id == bindparam("b_user")))
DATA = {"flow": "complaint", "details": "ครูเก็บเงินค่าเรียนพิเศษ ๒,๕๐๐ บาท", "year": 2567, "steps": [1, None]}


@pytest.fixture()
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def test_a_row_written_prepared_reads_back_through_the_orm_as_written(db):
    with db.engine.begin() as conn:
        SAVE.execute(conn, {"b_channel": "line", "b_user": "U-prep", "b_data": DATA, "b_now": T0})
    with db.session() as s:
        row = s.get(ConversationState, ("line", "U-prep"))
        assert row.data == DATA and row.updated_at == T0  # Thai text, JSON types and the UTC instant kept
    with db.engine.connect() as conn:
        assert LOAD.first(conn, {"b_user": "U-prep"}) == (DATA, T0)
        assert conn.execute(select(STATE.c.data, STATE.c.updated_at)
                            .where(STATE.c.user_id == "U-prep")).one() == (DATA, T0)  # as Core reads it
        assert LOAD.first(conn, {"b_user": "nobody"}) is None


def test_thai_in_a_json_column_is_stored_as_utf8_not_as_escapes(db):
    """A third of the bytes (a Thai letter is 3 bytes of UTF-8, 6 of a \\u escape): fewer pages a commit."""
    with db.engine.begin() as conn:
        SAVE.execute(conn, {"b_channel": "line", "b_user": "U-utf8", "b_data": DATA, "b_now": T0})
    with db.engine.connect() as conn:
        raw = conn.execute(select(STATE.c.data.cast(Text)).where(STATE.c.user_id == "U-utf8")).scalar_one()
    assert "ครูเก็บเงินค่าเรียนพิเศษ ๒,๕๐๐ บาท" in raw and "\\u0e" not in raw.lower()


def test_all_rows_come_back_in_the_statements_order_each_processed(db):
    newest = Prepared(select(STATE.c.user_id, STATE.c.data, STATE.c.updated_at).where(STATE.c.channel == "line")
                      .order_by(STATE.c.updated_at.desc()).limit(2))
    with db.engine.begin() as conn:
        for n in range(3):
            SAVE.execute(conn, {"b_channel": "line", "b_user": f"U{n}", "b_data": {"n": n}, "b_now": T0 + timedelta(n)})
    with db.engine.connect() as conn:
        assert newest.all(conn, {}) == [("U2", {"n": 2}, T0 + timedelta(2)), ("U1", {"n": 1}, T0 + timedelta(1))]
        assert LOAD.all(conn, {"b_user": "nobody"}) == []


def test_a_bound_statement_runs_later_with_its_arguments_as_they_were_when_bound(db):
    """On SQLite `bind` encodes the JSON and formats the time then, so a transaction holding the write lock
    only runs it: what changes in the caller's dict afterwards is not stored. (psycopg encodes JSON when
    the statement runs; PostgreSQL has no such lock.)"""
    data = {"step": "details", "details": ["ครูเก็บเงิน"]}
    bound = SAVE.bind(db.engine.dialect, {"b_channel": "line", "b_user": "U-bound", "b_data": data, "b_now": T0})
    data["details"].append("added after binding")
    with db.engine.begin() as conn:
        assert bound.execute(conn) == 1
    with db.engine.connect() as conn:
        stored, at = LOAD.first(conn, {"b_user": "U-bound"})
    assert at == T0 and stored["details"][0] == "ครูเก็บเงิน"
    if db.engine.dialect.name == "sqlite":
        assert stored == {"step": "details", "details": ["ครูเก็บเงิน"]}
    with pytest.raises(exc.IntegrityError), db.engine.begin() as conn:  # run as any statement: errors alike
        bound.execute(conn)


def test_values_written_in_the_statement_itself_are_sent(db):
    mark = Prepared(update(OUTBOX).where(OUTBOX.c.id == bindparam("b_id"), OUTBOX.c.status == "pending")
                    .values(status="sent", locked_until=None, sent_at=bindparam("b_now", type_=OUTBOX.c.sent_at.type),
                            attempts=OUTBOX.c.attempts + 1))
    with db.session() as s:
        row = OutboxMessage(channel="line", target="U1", purpose="answer", payload={}, retry_key="k",
                            locked_until=T0, next_attempt_at=T0, created_at=T0)
        s.add(row)
        s.flush()
        row_id = row.id
    with db.engine.begin() as conn:
        assert mark.execute(conn, {"b_id": row_id, "b_now": T0 + timedelta(seconds=1)}) == 1
        assert mark.execute(conn, {"b_id": row_id, "b_now": T0}) == 0  # no longer pending
    with db.session() as s:
        row = s.get(OutboxMessage, row_id)
        assert (row.status, row.locked_until, row.attempts, row.sent_at) == ("sent", None, 1, T0 + timedelta(seconds=1))


def test_a_batch_writes_each_row_as_one_statement_would(db):
    mark = Prepared(update(OUTBOX).where(OUTBOX.c.id == bindparam("b_id"), OUTBOX.c.status == "pending")
                    .values(status="sent", sent_at=bindparam("b_now", type_=OUTBOX.c.sent_at.type)))
    with db.session() as s:
        rows = [OutboxMessage(channel="line", target=f"U{n}", purpose="answer", payload={}, retry_key=f"k{n}",
                              next_attempt_at=T0, created_at=T0) for n in range(3)]
        s.add_all(rows)
        s.flush()
        ids = [row.id for row in rows]
    with db.engine.begin() as conn:
        assert mark.execute_many(conn, []) == 0
        assert mark.execute_many(conn, [{"b_id": ids[0], "b_now": T0 + timedelta(seconds=1)},
                                        {"b_id": ids[1], "b_now": T0 + timedelta(seconds=2)},
                                        {"b_id": 10**9, "b_now": T0}]) == 2  # no such row: nothing changed
    with db.session() as s:
        assert [(s.get(OutboxMessage, i).status, s.get(OutboxMessage, i).sent_at) for i in ids] == [
            ("sent", T0 + timedelta(seconds=1)), ("sent", T0 + timedelta(seconds=2)), ("pending", None)]
    values = {"b_channel": "line", "b_user": "U-batch", "b_data": {"phone": "0812345678"}, "b_now": T0}
    with pytest.raises(exc.IntegrityError) as raised, db.engine.begin() as conn:
        SAVE.execute_many(conn, [values, values])
    assert "parameters hidden" in str(raised.value) and "0812345678" not in str(raised.value)
    with db.session() as s:
        assert s.get(ConversationState, ("line", "U-batch")) is None  # the batch's transaction rolled back


def test_it_runs_in_the_callers_transaction(db):
    with db.engine.connect() as conn:
        SAVE.execute(conn, {"b_channel": "line", "b_user": "U-rolled-back", "b_data": {}, "b_now": T0})
        conn.rollback()
        SAVE.execute(conn, {"b_channel": "line", "b_user": "U-committed", "b_data": {}, "b_now": T0})
        conn.commit()
    with db.session() as s:
        assert s.get(ConversationState, ("line", "U-rolled-back")) is None
        assert s.get(ConversationState, ("line", "U-committed")) is not None


def test_driver_errors_come_out_as_sqlalchemys_with_the_values_hidden(db):
    values = {"b_channel": "line", "b_user": "U-twice", "b_data": {"phone": "0812345678"}, "b_now": T0}
    with db.engine.begin() as conn:
        SAVE.execute(conn, values)
    with pytest.raises(exc.IntegrityError) as raised, db.engine.begin() as conn:
        SAVE.execute(conn, values)
    message = str(raised.value)  # (PostgreSQL's own text names the conflicting key, as it would for Core)
    assert "parameters hidden" in message and "0812345678" not in message
    with pytest.raises(ValueError, match="naive"), db.engine.begin() as conn:  # the column type's own check
        SAVE.execute(conn, {**values, "b_user": "U-naive", "b_now": T0.replace(tzinfo=None)})


def test_listeners_see_the_statement(db):
    seen: list[str] = []
    listener = lambda _conn, _cur, sql, *_: seen.append(sql)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with db.engine.begin() as conn:
            SAVE.execute(conn, {"b_channel": "line", "b_user": "U-seen", "b_data": {}, "b_now": T0})
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(seen) == 1 and seen[0].startswith("INSERT INTO conversation_state")


def test_a_statement_whose_sql_is_finished_at_execution_is_refused(db):
    """An expanding IN is rendered per execution by SQLAlchemy: compiled once, it would not be SQL."""
    chosen = Prepared(select(OUTBOX.c.id).where(OUTBOX.c.status.in_(("pending", "sent"))))
    with pytest.raises(ValueError, match="expanding IN"), db.engine.connect() as conn:
        chosen.first(conn, {})


def test_a_statement_relying_on_python_side_defaults_is_refused(db):
    """Such defaults are filled in by SQLAlchemy's execution, which a prepared statement skips: the row
    would silently miss them."""
    events = ProcessedEvent.__table__
    claim = Prepared(insert(events).values(channel="line", event_id=bindparam("b_id")))  # received_at: utcnow
    with pytest.raises(ValueError, match="default"), db.engine.begin() as conn:
        claim.execute(conn, {"b_id": "E1"})

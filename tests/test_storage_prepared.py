"""Named statements (bot/storage/prepared.py) store and read what the ORM does, inside the caller's
transaction, with SQLAlchemy's errors, events and statement log."""
from __future__ import annotations

import logging
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


def test_a_bound_statement_runs_later_on_the_connection_it_is_given(db):
    data = {"step": "details", "details": ["ครูเก็บเงิน"]}
    bound = SAVE.bind(db.engine.dialect, {"b_channel": "line", "b_user": "U-bound", "b_data": data, "b_now": T0})
    with db.engine.begin() as conn:
        assert bound.execute(conn) == 1
    with db.engine.connect() as conn:
        assert LOAD.first(conn, {"b_user": "U-bound"}) == (data, T0)
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
    with pytest.raises(exc.StatementError, match="naive"), db.engine.begin() as conn:  # the column type's check
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


def test_the_statement_log_shows_the_statement_and_hides_its_values(db, caplog):
    """`echo` (or the sqlalchemy.engine logger) shows a named statement as it shows any other."""
    db.engine.echo = True
    try:
        with caplog.at_level(logging.INFO, logger="sqlalchemy.engine.Engine"), db.engine.begin() as conn:
            SAVE.execute(conn, {"b_channel": "line", "b_user": "U-echo", "b_data": {"phone": "0812345678"},
                                "b_now": T0})
    finally:
        db.engine.echo = False
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert any(m.startswith("INSERT INTO conversation_state") for m in logged)
    assert not any("0812345678" in m or "U-echo" in m for m in logged)


def test_an_expanding_in_and_python_side_defaults_work_as_in_any_statement(db):
    events = ProcessedEvent.__table__
    claim = Prepared(insert(events).values(channel="line", event_id=bindparam("b_id")))  # received_at: utcnow
    claimed = Prepared(select(events.c.event_id, events.c.received_at)
                       .where(events.c.event_id.in_(bindparam("b_ids", expanding=True))).order_by(events.c.event_id))
    with db.engine.begin() as conn:
        assert claim.execute_many(conn, [{"b_id": "E1"}, {"b_id": "E2"}]) == 2
    with db.engine.connect() as conn:
        rows = claimed.all(conn, {"b_ids": ["E1", "E2", "E3"]})
    assert [event_id for event_id, _at in rows] == ["E1", "E2"] and all(at is not None for _id, at in rows)

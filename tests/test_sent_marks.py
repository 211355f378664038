"""A delivered answer is marked sent a moment later, many in one transaction, and never sent twice by this
process meanwhile; a database that refuses the marks gets them again later."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import event, select

from bot.complaints import delivery, sent_marks
from bot.complaints.models import OutboxMessage
from bot.storage import utcnow
from tests.test_channel_line import REPLY, body, post_line, text_event


def answers(services) -> list[OutboxMessage]:
    with services.db.session() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "answer")
                              .order_by(OutboxMessage.id)))


def until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_answers_are_marked_sent_shortly_after_in_one_transaction(client, services, line_api, monkeypatch):
    monkeypatch.setattr(sent_marks, "FLUSH_AFTER", 1.0)  # the five answers surely fall in one wait
    marking, transactions = set(), []  # connections with a sent mark in their transaction; those committed

    def on_sql(conn, _cur, sql, *_):
        if sql.startswith("UPDATE outbox_message SET status"):
            marking.add(id(conn.connection.dbapi_connection))

    def on_commit(conn):
        if id(conn.connection.dbapi_connection) in marking:
            marking.discard(id(conn.connection.dbapi_connection))
            transactions.append(1)

    for engine in services.db.engines:
        event.listen(engine, "before_cursor_execute", on_sql)
        event.listen(engine, "commit", on_commit)
    for i in range(5):
        assert post_line(client, body(text_event("เบอร์โทรสำนักงาน", event_id=f"01HMARK{i:019d}"))).status_code == 200
    assert len(line_api.calls("POST", REPLY)) == 5
    assert until(lambda: all(a.status == "sent" for a in answers(services)), seconds=10)
    rows = answers(services)
    assert len(rows) == 5 and all(a.sent_at is not None and a.attempts == 1 for a in rows)
    assert len(transactions) == 1  # not one per answer


def test_this_process_never_sends_an_answer_again_while_its_mark_waits(client, services, line_api, monkeypatch):
    monkeypatch.setattr(sent_marks, "FLUSH_AFTER", 60.0)  # the mark would wait a minute
    assert post_line(client, body(text_event("เบอร์โทรสำนักงาน"))).status_code == 200
    (row,) = answers(services)
    assert row.status == "pending"  # its mark is waiting in the process
    result = delivery.deliver_due(services, now=utcnow() + timedelta(minutes=10))  # past the answer's lease
    assert result.sent == 0
    assert len(line_api.requests) == 1  # the reply only, no push of it
    (row,) = answers(services)
    assert row.status == "sent"


def test_marks_refused_by_the_database_are_written_later(services, monkeypatch):
    with services.db.session() as s:
        row = OutboxMessage(channel="line", target="U1", purpose="answer", payload={}, retry_key="k-later",
                            locked_until=utcnow() + timedelta(minutes=2))
        s.add(row)
        s.flush()
        row_id = row.id
    marks = sent_marks.SentMarks(services.db)
    monkeypatch.setattr(sent_marks, "MARK_SENT", Refusing())
    marks.add(row_id, utcnow())
    assert marks.flush() is False  # refused: kept
    monkeypatch.undo()
    services.db.dispose()  # leaving the database writes what waits
    with services.db.session() as s:
        assert s.get(OutboxMessage, row_id).status == "sent"


class Refusing:
    def execute(self, conn, params):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("UPDATE outbox_message", {}, Exception("database is locked"))

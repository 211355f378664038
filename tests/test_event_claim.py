"""A LINE text's event claim is the first write of its turn: one transaction with the state, the follower
row and the stored answer on PostgreSQL; on SQLite one with the state's read, then one for the rest. A
second delivery of the event, arriving while the first is still in its turn, is not answered again."""
from __future__ import annotations

import threading

from sqlalchemy import event

from bot.core.messages import Text
from bot.storage.models import ProcessedEvent
from tests.test_channel_fixtures import answer_everything, answer_with
from tests.test_channel_line import REPLY, body, post_line, text_event


def transactions(services, send) -> list[list[str]]:
    """What `send()` made the engines do, one list per committed transaction, in commit order:
    [["insert processed_event", "select conversation_state"], ...] (connections interleave)."""
    open_: dict[int, list[str]] = {}
    done: list[list[str]] = []

    def on_sql(conn, _cur, sql, *_):
        words = sql.replace("(", " ").split()
        verb = words[0].lower()
        table = {"insert": words[2], "update": words[1], "delete": words[2]}.get(verb)
        if table is None:  # a SELECT: name the table it reads
            table = words[words.index("FROM") + 1] if "FROM" in words else ""
        open_.setdefault(id(conn.connection.dbapi_connection), []).append(f"{verb} {table}")

    def on_commit(conn):
        done.append(open_.pop(id(conn.connection.dbapi_connection), []))

    for engine in services.db.engines:
        event.listen(engine, "before_cursor_execute", on_sql)
        event.listen(engine, "commit", on_commit)
    try:
        send()
    finally:
        for engine in services.db.engines:
            event.remove(engine, "before_cursor_execute", on_sql)
            event.remove(engine, "commit", on_commit)
    return done


def test_a_first_message_claims_its_event_in_its_turns_transaction(client, services, line_api, database_url):
    user = {"type": "user", "userId": "U" + "c" * 32}
    done = transactions(services, lambda: post_line(client, body(text_event("เบอร์โทรสำนักงาน", source=user))))
    assert len(line_api.calls("POST", REPLY)) == 1
    turn = next(t for t in done if "insert processed_event" in t)
    if database_url.startswith("postgresql"):
        # the user's row locked, the claim, then the turn's writes: all one commit
        assert turn[:2] == ["insert conversation_state", "insert processed_event"]
        assert {"update conversation_state", "insert follower", "insert outbox_message",
                "update processed_event"} <= set(turn)
    else:
        # the read, then the claim: SQLite's write lock is held from the claim to the commit, not while
        # the state is read
        assert turn == ["select conversation_state", "insert processed_event"]
        saved = next(t for t in done[done.index(turn) + 1:] if "insert conversation_state" in t)
        assert {"insert conversation_state", "insert follower", "insert outbox_message",
                "update processed_event"} <= set(saved)
    assert sum(t.count("insert processed_event") for t in done) == 1


def test_a_redelivery_arriving_mid_turn_is_not_answered_twice(app, client, services, line_api):
    inside, release = threading.Event(), threading.Event()

    def slow_answer(_ctx):
        inside.set()
        release.wait(10)
        return [Text("คำตอบ")]

    answer_everything(app, slow_answer)
    ev = text_event("สวัสดี", event_id="01HMIDTURN0000000000000000")
    first = threading.Thread(target=lambda: post_line(app.test_client(), body(ev)))
    first.start()
    assert inside.wait(10)
    answer_with(app, [Text("ไม่ควรเห็น")])  # a second handling would answer this
    again = threading.Thread(target=lambda: post_line(app.test_client(),
                                                      body(dict(ev, deliveryContext={"isRedelivery": True}))))
    again.start()
    again.join(0.5)  # the redelivery waits for the user's turn (or is told the event is being handled)
    release.set()
    first.join(10)
    again.join(10)
    replies = line_api.calls("POST", REPLY)
    assert [r.json["messages"][0]["text"] for r in replies] == ["คำตอบ"]
    with services.db.session() as s:
        assert s.get(ProcessedEvent, ("line", "01HMIDTURN0000000000000000")).answered_at is not None

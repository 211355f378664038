"""A LINE text's event claim commits with its turn: one transaction with the state, the follower row and
the stored answer (on SQLite after a read of the state and of the claim, which takes no write lock). A
second delivery of the event, arriving while the first is still in its turn, is not answered again; two
deliveries of it run at once by two processes save one turn.
"""
from __future__ import annotations

import threading

from sqlalchemy import event, select

from bot.channels import answers
from bot.core.messages import Text
from bot.core.state import StateStore
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
        assert {"update conversation_state", "insert follower", "insert outbox_message"} <= set(turn)
    else:
        # the state and the claim read, then one write transaction: SQLite's write lock (and the other
        # worker's wait for it) is taken once a message, and not while the state is read
        assert ["select conversation_state", "select processed_event"] in done
        assert turn[0] == "insert processed_event"
        assert {"insert conversation_state", "insert follower", "insert outbox_message"} <= set(turn)
    # the claim commits with the answer, so it is written answered: no statement of its own marks it
    assert "update processed_event" not in turn
    assert sum(t.count("insert processed_event") for t in done) == 1
    with services.db.session() as s:
        [seen] = s.scalars(select(ProcessedEvent)).all()
    assert seen.answered_at is not None


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


def test_two_processes_delivering_one_event_at_once_save_one_turn(services, database_url):
    """Another delivery of the same event with in-process locks of its own (another StateStore, as another
    process has). On PostgreSQL it waits for the user's row and finds the event claimed, so it never runs.
    On SQLite (which serves one process, whose turns share one lock) it runs and saves first, and the turn
    it beat to the save keeps nothing, its answer included: the claim's own safety net."""
    other_worker = StateStore(services.db, services.states.ttl)
    first_in, go = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}
    written: list[str] = []

    def deliver(store: StateStore, name: str, wait: bool) -> None:
        try:
            with store.turn("line", "U-twice", claim=answers.claim_in_turn("line", "01HTWICE00000000000000000")) as t:
                if wait:
                    first_in.set()
                    go.wait(10)
                t.data = {"answered_by": name}
                t.writes.append(lambda _conn: written.append(name))
            outcome[name] = "saved"
        except answers.NotClaimed:
            outcome[name] = "not claimed"

    first = threading.Thread(target=deliver, args=(services.states, "first", True))
    first.start()
    assert first_in.wait(10)
    second = threading.Thread(target=deliver, args=(other_worker, "second", False))
    second.start()
    second.join(1)  # SQLite: done by now; PostgreSQL: waiting for the first turn's row lock
    go.set()
    first.join(10)
    second.join(10)
    winner, loser = ("first", "second") if database_url.startswith("postgresql") else ("second", "first")
    assert outcome == {winner: "saved", loser: "not claimed"}
    assert written == [winner]
    assert services.states.load("line", "U-twice")[0] == {"answered_by": winner}


def test_a_turn_that_fails_leaves_no_claim_so_its_redelivery_is_answered(app, client, services, line_api):
    """The claim rolls back with the failed turn: LINE's redelivery of the event is handled at once, not
    answered from a stored answer nor left waiting for a stale claim's takeover."""
    def broken(_ctx):
        raise RuntimeError("a handler's bug")

    answer_everything(app, broken)
    ev = text_event("สวัสดี", event_id="01HFAILTURN000000000000000")
    assert post_line(client, body(ev)).status_code == 500
    with services.db.session() as s:
        assert s.get(ProcessedEvent, ("line", "01HFAILTURN000000000000000")) is None
    assert line_api.calls("POST", REPLY) == []
    answer_with(app, [Text("คำตอบหลังแก้")])
    assert post_line(client, body(dict(ev, deliveryContext={"isRedelivery": True}))).status_code == 200
    assert [r.json["messages"][0]["text"] for r in line_api.calls("POST", REPLY)] == ["คำตอบหลังแก้"]


def test_a_redelivery_of_an_event_whose_answer_is_still_owed_sends_it_now(services, bot):
    """A turn's claim names no answer row: the redelivery finds the owed row by its event and makes it due."""
    from datetime import timedelta

    from bot.channels import answers, registry
    from bot.core.messages import Incoming
    from bot.outbox.models import OutboxMessage
    from bot.storage import utcnow

    then, user = utcnow(), "U" + "d" * 32
    owed = answers.Owed(services, "line", "01HOWED0000000000000000000", user, registry.get(services, "line").render,
                        "reply-token-owed")
    bot.respond(Incoming("line", user, text="เบอร์โทรสำนักงาน"), now=then, record=owed.record,
                claim=answers.claim_in_turn("line", "01HOWED0000000000000000000", then))
    with services.db.session() as s:
        row = s.get(OutboxMessage, owed.row_id)
        assert row.status == "pending" and row.locked_until is not None  # leased to the process that stored it
    later = then + answers.STALE + timedelta(seconds=1)
    assert answers.unclaimed(services, "line", "01HOWED0000000000000000000", later) is False  # not handled again
    with services.db.session() as s:
        row = s.get(OutboxMessage, owed.row_id)
        assert row.status == "pending" and row.locked_until is None and row.next_attempt_at <= later

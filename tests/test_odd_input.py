"""Odd input is never a 500 and never half-saved: every body of tests/data/odd_bodies.jsonl (deep nesting,
lone surrogates and NULs in every id and text, huge ids, wrong types, missing fields, unknown events, odd
numbers, times and Unicode; written by tests/data/make_odd_bodies.py) posted, signed, to the LINE and
Messenger webhooks and to /api/chat, on SQLite and PostgreSQL. Afterwards no row holds what a database
cannot keep, no answered event lacks its answer, and real messages are still answered."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.usable_input import text_problem
from bot.storage import Base
from bot.storage.models import ConversationState, ProcessedEvent
from tests.test_channel_fixtures import facebook_api, line_api  # noqa: F401 (fixtures)
from tests.test_webhook_fuzz import dumps, line_event, messenger_item, post_line, post_messenger

CORPUS = Path(__file__).parent / "data" / "odd_bodies.jsonl"
NOW = b"1111111111111"  # the corpus's stand-in for the current time (make_odd_bodies.py)
# LINE redelivers what is not answered 200 and wants 200 for a batch it signed: a signed body is 200 (its
# unusable events skipped) unless it is no webhook body at all (400). Messenger is the same; a
# visitor of the web chat is told 400 (or 413 for a text too long).
ALLOWED = {"line": {200, 400}, "messenger": {200, 400}, "web": {200, 400, 413}}
# Bodies nested deeper than json's recursion limit (a RecursionError, once a 500)
TOO_DEEP = {"body:deep-5000", "body:deep-events-3000", "text:deep-message-3000"}


def corpus(target: str) -> list[tuple[str, bytes]]:
    now = str(int(time.time() * 1000)).encode()
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="ascii").splitlines()]
    return [(r["case"], r["body"].encode("utf-8").replace(NOW, now)) for r in rows if r["target"] == target]


def unstorable(services) -> list[str]:
    """Every value in the database that a database should never have taken: a string (or a string inside
    a JSON column) with a NUL or a lone surrogate."""
    found = []
    with services.db.engine.connect() as c:
        for table in Base.metadata.sorted_tables:
            for row in c.execute(select(table)):
                stack = list(row._mapping.items())
                while stack:
                    where, value = stack.pop()
                    if isinstance(value, dict):
                        stack += [(f"{where}.{k}", v) for k, v in value.items()] + [(where, k) for k in value]
                    elif isinstance(value, list):
                        stack += [(where, v) for v in value]
                    elif isinstance(value, str) and text_problem(value) is not None:
                        found.append(f"{table.name}.{where}: {text_problem(value)}")
    return found


def claimed_unanswered(services, cases: list[tuple[str, bytes]]) -> list[str]:
    """The cases whose event was claimed and left without a stored answer, though one was owed: all but
    unfollows, leaves and group messages that do not mention the bot (the bot is silent there)."""
    case_of = {}
    for case, raw in cases:
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        events = body.get("events") if isinstance(body, dict) else None
        for event in events if isinstance(events, list) else []:
            if isinstance(event, dict) and isinstance(event.get("webhookEventId"), str):
                case_of.setdefault(event["webhookEventId"], case)
    with services.db.session() as s:
        unanswered = [case_of.get(e.event_id, e.event_id) for e in s.scalars(
            select(ProcessedEvent).where(ProcessedEvent.answered_at.is_(None)))]
    silent = ("unfollow:", "leave:", "group-mention:message.mention:", "text:group-source")
    return [case for case in unanswered if not case.startswith(silent)]


def test_the_corpus_is_large_and_covers_what_it_should():
    cases = {t: [c for c, _ in corpus(t)] for t in ALLOWED}
    assert len(cases["line"]) + len(cases["messenger"]) >= 200 and len(cases["web"]) >= 40
    for target in ("line", "messenger"):
        names = " ".join(cases[target])
        for kind in ("surrogate-high", "surrogate-low", ":nul", "-chars", "wrong-type-", "missing-", "deep",
                     "timestamp-", "unicode-", ":empty", "huge"):
            assert kind in names, (target, kind)
    assert any("unknown-type" in c for c in cases["line"]) and any("item:unknown" in c for c in cases["messenger"])


def test_every_odd_signed_line_body_is_answered_200_or_400_and_nothing_is_half_saved(client, services, line_api,
                                                                                     caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.line_events")
    cases = corpus("line")
    statuses = {case: post_line(client, raw).status_code for case, raw in cases}
    wrong = {case: status for case, status in statuses.items() if status not in ALLOWED["line"]}
    assert wrong == {}
    # A batch LINE signed gets its 200 whatever one event holds; only a body that is no webhook body is 400.
    assert statuses["text:source.userId:surrogate-high"] == statuses["text:message.text:nul"] == 200
    assert statuses["text:source.userId:129-chars"] == statuses["text:webhookEventId:surrogate-low"] == 200
    assert statuses["body:events-number"] == statuses["body:array"] == 400
    assert unstorable(services) == []
    assert claimed_unanswered(services, cases) == []
    # The good events of a mixed batch are answered, the bad one skipped and logged by type, never by id.
    assert "LINE event of type message ignored: lone surrogate" in caplog.text
    assert "\\ud800" not in caplog.text and "U00000000000000000000000000000" not in caplog.text
    line_api.clear()
    assert post_line(client, dumps({"destination": "Ubot", "events": [line_event()]})).status_code == 200
    assert len(line_api.calls("POST", r"/reply$")) == 1


def test_signed_line_bodies_nested_deeper_than_json_allows_are_refused(client, line_api):
    for case, raw in corpus("line"):
        if case in TOO_DEEP | {"body:nan", "body:infinity", "text:deep-message-40"}:
            assert post_line(client, raw).status_code == 400, case


def test_every_odd_signed_messenger_body_is_answered_200_or_400_and_nothing_is_half_saved(client, services,
                                                                                          facebook_api):
    statuses = {case: post_messenger(client, raw).status_code for case, raw in corpus("messenger")}
    wrong = {case: status for case, status in statuses.items() if status not in ALLOWED["messenger"]}
    assert wrong == {}
    assert statuses["text:sender.id:surrogate-high"] == statuses["text:sender.id:129-chars"] == 200
    assert statuses["body:deep-3000"] == statuses["body:nan"] == 400
    assert unstorable(services) == []
    facebook_api.clear()
    ok = dumps({"object": "page", "entry": [{"id": "PAGE1", "time": 1, "messaging": [messenger_item()]}]})
    assert post_messenger(client, ok).status_code == 200
    assert facebook_api.calls("POST", r"/me/messages$")


def test_every_odd_web_chat_body_is_a_4xx_or_an_answer_and_nothing_is_half_saved(client, services):
    statuses = {case: client.post("/api/chat", data=raw, content_type="application/json").status_code
                for case, raw in corpus("web")}
    wrong = {case: status for case, status in statuses.items() if status not in ALLOWED["web"]}
    assert wrong == {}
    for case in ("text:surrogate-high", "text:nul", "deep-900", "deep-3000", "nan", "huge-number",
                 "extra-field-deep", "body:text-key-surrogate"):
        assert statuses[case] == 400, case
    assert statuses["text:unicode-emoji-zwj"] == 200 and statuses["text:too-long"] == 413
    assert unstorable(services) == []


@pytest.mark.parametrize("text", ["ร้องเรียน\ud800", "เบอร์โทร\x00"], ids=["surrogate", "nul"])
def test_an_unstorable_web_chat_text_is_refused_before_the_turn_is_saved(client, services, content, text):
    resp = client.post("/api/chat", data=json.dumps({"text": text}), content_type="application/json")
    assert resp.status_code == 400
    assert resp.get_json()["error"] == content.say("webchat_error_not_json")
    history = client.get("/api/chat/history").get_json()
    assert history["replies"] == []  # the turn was never run: no state, no history to show
    with services.db.engine.connect() as c:
        assert c.execute(select(ConversationState.__table__)).all() == []

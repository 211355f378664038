"""Bad input is never a 500 (issue 11): signed but malformed, truncated, mistyped, unknown or huge bodies
on both webhooks get 200, 400, 403 or 413, and the app keeps answering real messages afterwards. Also:
LINE events older than a few hours are not answered (a captured body replayed after the seen-id table
was purged must not act again)."""
from __future__ import annotations

import json
import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from tests.complaint_helpers import sqlite_only as database_url  # noqa: F401 (fixture: SQLite is enough)
from tests.test_channel_fixtures import facebook_api, facebook_signature, line_api, line_signature  # noqa: F401

ALLOWED = {200, 400, 403, 413}
FUZZ = hsettings(max_examples=30, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Any code point, lone surrogates and NUL included: JSON carries them (as \u escapes), databases do not.
any_text = st.text(st.characters(blacklist_categories=()), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False, allow_infinity=False)
    | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12)


def line_event(**overrides) -> dict:
    event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
             "webhookEventId": uuid.uuid4().hex, "deliveryContext": {"isRedelivery": False},
             "replyToken": uuid.uuid4().hex, "source": {"type": "user", "userId": "Ufuzz00000000000000000000000001"},
             "message": {"id": "1", "type": "text", "text": "สวัสดี", "quoteToken": "q"}}
    event.update(overrides)
    return event


def messenger_item(**overrides) -> dict:
    item = {"sender": {"id": "PSIDFUZZ"}, "recipient": {"id": "PAGE1"}, "timestamp": int(time.time() * 1000),
            "message": {"mid": f"m_{uuid.uuid4().hex}", "text": "สวัสดี"}}
    item.update(overrides)
    return item


def post_line(client, raw: bytes):
    return client.post("/webhooks/line", data=raw, content_type="application/json",
                       headers={"X-Line-Signature": line_signature(raw)})


def post_messenger(client, raw: bytes):
    return client.post("/webhooks/facebook", data=raw, content_type="application/json",
                       headers={"X-Hub-Signature-256": facebook_signature(raw)})


def dumps(value) -> bytes:
    return json.dumps(value).encode()  # \u escapes, so a lone surrogate can be sent as platforms would


def mutated(base: dict, draw_changes: dict, removed: list[str]) -> dict:
    out = {k: v for k, v in base.items() if k not in removed}
    out.update(draw_changes)
    return out


LINE_KEYS = ["type", "mode", "timestamp", "webhookEventId", "deliveryContext", "replyToken", "source", "message",
             "postback", "follow", "joined", "link"]
NESTED = st.sampled_from(["source", "message"])


@st.composite
def line_bodies(draw) -> bytes:
    kind = draw(st.sampled_from(["mutated", "nested", "typed", "random", "truncated", "huge"]))
    if kind == "random":
        return dumps(draw(json_values))
    if kind == "huge":
        return dumps({"destination": "U", "events": [draw(json_values)] * draw(st.integers(200, 3000))})
    if kind == "typed":  # a known event type with a body of the wrong shape
        t = draw(st.sampled_from(["message", "postback", "follow", "unfollow", "join", "leave", "memberJoined",
                                  "beacon", "accountLink", "things", "videoPlayComplete", "unsend"]))
        event = mutated(line_event(type=t), draw(st.dictionaries(st.sampled_from(LINE_KEYS), json_values,
                                                                  max_size=3)), [])
    elif kind == "nested":  # one field of source or message of the wrong type
        key = draw(NESTED)
        event = line_event()
        event[key] = dict(event[key], **draw(st.dictionaries(st.sampled_from(
            ["type", "userId", "groupId", "id", "text", "mention", "emojis", "fileName", "fileSize",
             "latitude", "longitude", "packageId", "stickerId"]), json_values, min_size=1, max_size=3)))
    else:
        event = mutated(line_event(), draw(st.dictionaries(st.sampled_from(LINE_KEYS), json_values, max_size=3)),
                        draw(st.lists(st.sampled_from(LINE_KEYS), max_size=3)))
    raw = dumps({"destination": "Ubot", "events": [event] + draw(st.lists(json_values, max_size=1))})
    if kind == "truncated":
        raw = raw[:draw(st.integers(0, len(raw) - 1))]
    return raw


FB_KEYS = ["sender", "recipient", "timestamp", "message", "postback", "read", "delivery", "reaction"]
FB_MESSAGE_KEYS = ["mid", "text", "quick_reply", "attachments", "is_echo", "reply_to"]


@st.composite
def messenger_bodies(draw) -> bytes:
    kind = draw(st.sampled_from(["item", "message", "attachments", "shape", "random", "truncated", "huge"]))
    if kind == "random":
        return dumps(draw(json_values))
    item = messenger_item()
    if kind == "item":
        item.update(draw(st.dictionaries(st.sampled_from(FB_KEYS), json_values, min_size=1, max_size=3)))
    elif kind == "message":
        item["message"].update(draw(st.dictionaries(st.sampled_from(FB_MESSAGE_KEYS), json_values, min_size=1,
                                                    max_size=3)))
    elif kind == "attachments":
        att = st.fixed_dictionaries({"type": st.sampled_from(["image", "file", "location", "fallback", "x"])
                                     | json_values, "payload": json_values})
        item["message"]["attachments"] = draw(st.lists(att | json_values, max_size=3))
    body: dict = {"object": "page", "entry": [{"id": "PAGE1", "time": 1, "messaging": [item]}]}
    if kind == "shape":
        where = draw(st.sampled_from(["object", "entry", "messaging", "entry0"]))
        value = draw(json_values)
        if where == "messaging":
            body["entry"][0]["messaging"] = value
        elif where == "entry0":
            body["entry"] = [value]
        else:
            body[where] = value
    if kind == "huge":
        body["entry"][0]["messaging"] = [draw(json_values)] * draw(st.integers(200, 3000))
    raw = dumps(body)
    if kind == "truncated":
        raw = raw[:draw(st.integers(0, len(raw) - 1))]
    return raw


def test_signed_line_event_without_type_is_not_a_500(client, line_api):
    event = line_event()
    del event["type"]
    assert post_line(client, dumps({"destination": "Ubot", "events": [event]})).status_code == 200
    assert line_api.requests == []


@pytest.mark.parametrize("body", [
    {"object": "page", "entry": 5},
    {"object": "page", "entry": [{"id": "PAGE1", "messaging": 5}]},
    {"object": "page", "entry": [{"id": "PAGE1", "messaging": [messenger_item(
        message={"mid": "m_att", "attachments": [1]})]}]},
], ids=["entry-5", "messaging-5", "attachments-[1]"])
def test_signed_malformed_messenger_bodies_are_not_a_500(client, facebook_api, body):
    assert post_messenger(client, dumps(body)).status_code == 200


def test_a_line_event_older_than_a_few_hours_is_not_answered(client, line_api):
    old = line_event(timestamp=int((time.time() - 6 * 3600) * 1000))
    assert post_line(client, dumps({"destination": "Ubot", "events": [old]})).status_code == 200
    assert line_api.requests == []
    fresh = line_event()
    assert post_line(client, dumps({"destination": "Ubot", "events": [fresh]})).status_code == 200
    assert len(line_api.calls("POST", r"/reply$")) == 1


def test_fuzzed_line_webhooks_never_answer_500_and_the_app_keeps_serving(client, line_api):
    @FUZZ
    @given(raw=line_bodies())
    def check(raw: bytes):
        assert post_line(client, raw).status_code in ALLOWED

    check()
    line_api.clear()
    assert post_line(client, dumps({"destination": "Ubot", "events": [line_event()]})).status_code == 200
    assert len(line_api.calls("POST", r"/reply$")) == 1


def test_fuzzed_messenger_webhooks_never_answer_500_and_the_app_keeps_serving(client, facebook_api):
    @FUZZ
    @given(raw=messenger_bodies())
    def check(raw: bytes):
        assert post_messenger(client, raw).status_code in ALLOWED

    check()
    facebook_api.clear()
    assert post_messenger(client, dumps({"object": "page", "entry": [{"id": "PAGE1", "time": 1,
                                                                       "messaging": [messenger_item()]}]})
                          ).status_code == 200
    assert facebook_api.calls("POST", r"/me/messages$")

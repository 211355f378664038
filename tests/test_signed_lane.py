"""The signed-webhook lane (bot/channels/signed_lane.py): a LINE webhook whose signature matches is answered
in front of Flask, exactly as Flask's view would have answered it; everything else still reaches Flask."""
from __future__ import annotations

import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from bot.channels.signed_lane import SignedLineLane
from tests.test_channel_fixtures import line_api, line_signature  # noqa: F401 (fixture)
from tests.test_channel_line import REPLY, body, post_line, text_event


@pytest.fixture
def seen_by_flask(app) -> list[str]:
    """Paths of the requests that went through Flask's request machinery (its before_request functions)."""
    seen: list[str] = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append("flask") and None)
    return seen


def lane_of(app) -> SignedLineLane:
    lane = app.wsgi_app.wsgi_app  # inside logs.RequestIds
    assert isinstance(lane, SignedLineLane)
    return lane


def answer(wsgi, raw: bytes, **headers):
    env = EnvironBuilder(path="/webhooks/line", method="POST", data=raw,
                         headers={"Content-Type": "application/json", **headers}).get_environ()
    chunks, status, response_headers = run_wsgi_app(wsgi, env)
    return status, sorted((k, v) for k, v in response_headers.items()), b"".join(chunks)


def test_a_signed_text_is_answered_without_flask_and_as_flask_would(app, client, line_api, seen_by_flask):
    resp = post_line(client, body(text_event("เบอร์โทรสำนักงาน")))
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}
    assert len(line_api.calls("POST", REPLY)) == 1
    assert seen_by_flask == []
    assert resp.headers["X-Request-Id"]  # RequestIds still wraps it

    lane = lane_of(app)
    raws = [json.dumps(body(text_event("สวัสดี")), ensure_ascii=False).encode() for _ in range(2)]
    by_lane = answer(lane, raws[0], **{"X-Line-Signature": line_signature(raws[0])})
    by_flask = answer(lane.inner, raws[1], **{"X-Line-Signature": line_signature(raws[1])})
    assert by_lane == by_flask
    assert seen_by_flask == ["flask"]  # only the second went through Flask
    assert len(line_api.calls("POST", REPLY)) == 3


@pytest.mark.parametrize("case", ["unsigned", "wrong signature", "not JSON", "no events list", "too large"])
def test_anything_else_goes_to_flask_and_gets_its_answer(app, client, line_api, seen_by_flask, case):
    raw = json.dumps(body(text_event("สวัสดี")), ensure_ascii=False).encode()
    signature = line_signature(raw)
    if case == "unsigned":
        signature = ""
    elif case == "wrong signature":
        signature = line_signature(raw + b" ")
    elif case == "not JSON":
        raw = b"{not json"
        signature = line_signature(raw)
    elif case == "no events list":
        raw = b'{"events": {}}'
        signature = line_signature(raw)
    elif case == "too large":
        app.config["MAX_CONTENT_LENGTH"] = len(raw) - 1
    resp = post_line(client, None, signature=signature, raw=raw)
    assert resp.status_code == {"too large": 413}.get(case, 400) and resp.is_json
    assert seen_by_flask == ["flask"]
    assert line_api.calls("POST", REPLY) == []


def test_a_signed_webhook_over_its_flood_limit_gets_flasks_429(app, client, line_api, seen_by_flask):
    limit = app.extensions["line_signed_limit"]
    while limit.hit() is None:
        pass
    resp = post_line(client, body(text_event("สวัสดี")))
    assert resp.status_code == 429 and resp.is_json and int(resp.headers["Retry-After"]) >= 1
    assert seen_by_flask == ["flask"]
    assert line_api.calls("POST", REPLY) == []


def test_an_error_while_handling_is_flasks_500_and_logged(app, client, line_api, monkeypatch, caplog):
    lane = lane_of(app)

    def broken(_payload):
        raise RuntimeError("handler broke")

    monkeypatch.setattr(lane, "handle", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: Flask answers instead of re-raising
    raw = json.dumps(body(text_event("สวัสดี")), ensure_ascii=False).encode()
    resp = post_line(client, None, raw=raw)
    assert resp.status_code == 500
    assert any("Exception on /webhooks/line [POST]" in r.getMessage() for r in caplog.records)


def test_a_chunked_webhook_is_left_to_flask_which_answers_it(app, client, line_api, seen_by_flask):
    """Without a Content-Length the lane cannot know the body's end; Flask reads the stream (which the
    server has de-chunked and ended, as gunicorn says with `wsgi.input_terminated`)."""
    raw = json.dumps(body(text_event("สวัสดี")), ensure_ascii=False).encode()
    resp = client.post("/webhooks/line", data=raw, headers={"Content-Type": "application/json",
                                                          "Transfer-Encoding": "chunked",
                                                          "X-Line-Signature": line_signature(raw)},
                       environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 200, resp.get_data()
    assert seen_by_flask == ["flask"]
    assert len(line_api.calls("POST", REPLY)) == 1

"""The benchmark harness's own pieces (bench/): what it reports is only as right as these. No test asserts
how fast anything is; the benchmarks themselves run with `make bench`."""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from linebot.v3 import SignatureValidator

from bench import load, procfile
from bench.fake_line_api import Line, digest, make_server
from bench.load import Event, Events, open_loop
from bench.report import build, markdown
from bench.stats import open_loop_schedule, percentile, summary_ms
from bench.tally import tally


def test_percentile_interpolates_between_ranks_like_numpy():
    values = [5, 1, 4, 2, 3]
    assert percentile(values, 0) == 1
    assert percentile(values, 50) == 3
    assert percentile(values, 100) == 5
    assert percentile(values, 25) == 2
    assert percentile([10, 20], 99) == pytest.approx(19.9)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summary_is_in_milliseconds():
    assert summary_ms([0.001, 0.002, 0.003]) == {"count": 3, "p50_ms": 2.0, "p99_ms": 2.98, "max_ms": 3.0}
    assert summary_ms([])["p99_ms"] is None


def test_open_loop_schedule_is_evenly_spaced_at_the_rate():
    schedule = open_loop_schedule(200, 10)
    assert len(schedule) == 2000
    assert schedule[0] == 0 and schedule[1] == pytest.approx(0.005) and schedule[-1] == pytest.approx(9.995)
    assert open_loop_schedule(0, 10) == [] and open_loop_schedule(5, 0) == []


def test_events_are_signed_as_line_signs_them_and_each_has_its_own_id_and_user():
    events = Events("the-secret", ["สวัสดีครับ", "เบอร์โทร"], users=None, tag="b")
    validator = SignatureValidator("the-secret")
    seen = []
    for _ in range(6):
        body, headers = events.next()
        assert validator.validate(body.decode(), headers["X-Line-Signature"])
        assert not SignatureValidator("other").validate(body.decode(), headers["X-Line-Signature"])
        seen.append(json.loads(body)["events"][0])
    assert len({e["webhookEventId"] for e in seen}) == len({e["replyToken"] for e in seen}) == 6
    users = {e["source"]["userId"] for e in seen}
    assert len(users) == 6 and all(u.startswith("Ub") and len(u) == 33 for u in users)
    assert [e["message"]["text"] for e in seen[:2]] == ["สวัสดีครับ", "เบอร์โทร"]
    pooled = Events("s", ["x"], users=2)
    assert len({pooled.make().user for _ in range(5)}) == 2


def test_a_redelivery_is_the_same_event_marked_as_redelivered():
    events = Events("s", ["x"])
    event = events.make()
    first, again = (json.loads(events.signed(event, r)[0])["events"][0] for r in (False, True))
    assert first["webhookEventId"] == again["webhookEventId"] and first["replyToken"] == again["replyToken"]
    assert (first["deliveryContext"]["isRedelivery"], again["deliveryContext"]["isRedelivery"]) == (False, True)


@pytest.fixture
def line():
    """The fake LINE API in this process; `call` posts to it on a connection of its own."""
    state = Line(delay_ms=0)
    server = make_server(state)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    host, port = server.server_address[:2]

    def call(path: str, body: dict | None = None, headers: dict | None = None, method: str = "POST"):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request(method, path, body=json.dumps(body or {}).encode(), headers=headers or {})
        resp = conn.getresponse()
        out = resp.status, json.loads(resp.read() or b"{}")
        conn.close()
        return out

    state.call, state.port = call, port
    yield state
    server.shutdown()
    server.server_close()


def reply(token: str, text: str = "สวัสดีครับ") -> dict:
    return {"replyToken": token, "messages": [{"type": "text", "text": text}]}


def push(to: str, text: str = "สวัสดีครับ") -> dict:
    return {"to": to, "messages": [{"type": "text", "text": text}]}


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_fake_line_refuses_a_spent_reply_token_and_a_retry_key_it_has_accepted(line):
    assert line.call("/v2/bot/message/reply", reply("t1"))[0] == 200
    status, body = line.call("/v2/bot/message/reply", reply("t1"))
    assert (status, body["message"]) == (400, "Invalid reply token")
    key = {"X-Line-Retry-Key": "123e4567-e89b-12d3-a456-426614174000"}
    assert line.call("/v2/bot/message/push", push("U1"), key)[0] == 200
    status, body = line.call("/v2/bot/message/push", push("U1"), key)
    assert status == 409 and "already accepted" in body["message"]
    assert line.call("/v2/bot/message/push", push("U1"))[0] == 200  # no key: LINE cannot tell, takes it
    recorded = line.call("/__bench/records?since=0", method="GET")[1]["records"]
    assert [(r["kind"], r["status"], r["token"], r["to"], r["key"]) for r in recorded] == [
        ("reply", 200, "t1", None, None), ("reply", 400, "t1", None, None),
        ("push", 200, None, "U1", key["X-Line-Retry-Key"]), ("push", 409, None, "U1", key["X-Line-Retry-Key"]),
        ("push", 200, None, "U1", None)]
    assert recorded[0]["first"] == digest({"type": "text", "text": "สวัสดีครับ"})
    counts = line.call("/__bench/counts", method="GET")[1]
    assert (counts["reply"], counts["push"], counts["refused"]) == (1, 2, 2)


def test_fake_line_adds_its_delay_to_every_call(line):
    line.call("/__bench/delay?ms=300")
    sent = time.monotonic()
    assert line.call("/v2/bot/message/reply", reply("t1"))[0] == 200
    assert time.monotonic() - sent >= 0.3  # a lower bound: never flaky
    record = line.records[0]
    assert record["t"] - sent >= 0.15  # half of it before LINE takes the message


def test_a_hanging_line_holds_many_calls_open_at_once_then_serves_them(line):
    line.call("/__bench/hang?seconds=600")
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(line.call("/v2/bot/message/reply", reply(f"t{i}"))))
               for i in range(20)]
    for t in threads:
        t.start()
    wait_for(lambda: line.snapshot()["holding"] == 20)
    assert line.call("/__bench/counts", method="GET")[1]["hanging"] is True  # control is never held
    assert results == [] and line.records == []
    line.call("/__bench/hang?seconds=0")
    for t in threads:
        t.join(30)
    assert sorted(s for s, _ in results) == [200] * 20
    assert len(line.records) == 20 and all(r["held"] for r in line.records)


def test_a_call_whose_caller_hung_up_during_a_hang_never_reaches_line(line):
    line.call("/__bench/hang?seconds=600")
    body = json.dumps(reply("t1")).encode()
    with socket.create_connection(("127.0.0.1", line.port)) as sock:
        sock.sendall(b"POST /v2/bot/message/reply HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
                     % (len(body), body))
        wait_for(lambda: line.snapshot()["holding"] == 1)
    line.call("/__bench/hang?seconds=0")
    wait_for(lambda: line.snapshot()["abandoned"] == 1)
    assert line.records == []
    assert line.call("/v2/bot/message/reply", reply("t1"))[0] == 200  # its token was never spent


def test_tls_fake_is_trusted_through_the_generated_ca_only(tmp_path):
    from bench.tls import make_certificates

    certs = make_certificates(tmp_path)
    server = make_server(Line(0), str(certs.cert), str(certs.key))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    port = server.server_address[1]
    try:
        trusted = ssl.create_default_context(cafile=str(certs.ca))
        conn = http.client.HTTPSConnection("localhost", port, context=trusted, timeout=5)
        conn.request("POST", "/v2/bot/message/reply", body=json.dumps(reply("t")).encode())
        assert conn.getresponse().status == 200
        conn.close()
        untrusted = http.client.HTTPSConnection("localhost", port, context=ssl.create_default_context(), timeout=5)
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusted.request("GET", "/__bench/counts")
    finally:
        server.shutdown()
        server.server_close()


def record(kind: str, t: float, first: str, status: int = 200, token=None, to=None, key=None) -> dict:
    return {"t": t, "kind": kind, "status": status, "token": token, "to": to, "key": key,
            "first": digest({"type": "text", "text": first}), "n": 1, "held": False}


def test_tally_counts_answered_lost_and_doubled_events_and_the_time_to_the_answer():
    events = [Event(n, f"U{n}", "x", reply_token=f"r{n}", scheduled=10.0 + n) for n in range(5)]
    for e in events:
        e.attempts.append((e.scheduled, 0.01, "200"))
    records = [
        record("reply", 10.2, "a0", token="r0"),
        record("push", 10.5, "a0-more", to="U0", key="k0"),           # the answer's next batch: not a copy
        record("reply", 11.3, "a1", token="r1"),
        record("push", 140.0, "a1", to="U1", key="k1"),               # the same answer pushed again: doubled
        record("push", 13.0, "a2", to="U2", key="k2"),                # answered by push
        record("push", 13.5, "a2", to="U2", key="k2", status=409),    # refused: the user saw it once
        record("reply", 14.0, "a4", token="r4", status=400),          # refused: not an answer
        record("reply", 1.0, "z", token="someone-else's"),
    ]
    t = tally(events, records)
    assert (t["events"], t["answered"], t["lost"], t["doubled"], t["extra_copies"]) == (5, 3, 2, 1, 1)
    assert t["doubled_per_500"] == 100.0
    assert t["arrival_to_answer"]["count"] == 3 and t["arrival_to_answer"]["max_ms"] == pytest.approx(1000)
    assert t["last_answer_after_seconds"] == 130.0


class FailsFirst(BaseHTTPRequestHandler):
    """A webhook that answers 500 to an event's first delivery and 200 to its redelivery."""

    protocol_version = "HTTP/1.1"
    seen: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["events"][0]
        FailsFirst.seen.append((event["webhookEventId"], event["deliveryContext"]["isRedelivery"]))
        status = 200 if event["deliveryContext"]["isRedelivery"] else 500
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_the_open_loop_redelivers_a_failed_webhook_as_line_does(monkeypatch):
    monkeypatch.setattr(load, "REDELIVERY_AFTER", (0.05,))
    server = ThreadingHTTPServer(("127.0.0.1", 0), FailsFirst)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        made = open_loop("127.0.0.1", server.server_address[1], "/callback", Events("s", ["hi"]), rate=40,
                         seconds=0.1, senders=2)
    finally:
        server.shutdown()
        server.server_close()
    assert len(made) == 4 and all(e.accepted for e in made)
    assert [status for _, _, status in made[0].attempts] == ["500", "200"]
    assert sorted(FailsFirst.seen) == sorted([(e.event_id, False) for e in made] + [(e.event_id, True) for e in made])


def test_the_bot_is_run_by_its_procfile_and_the_echo_gets_its_gunicorn_settings(tmp_path):
    (tmp_path / "Procfile").write_text("release: python -m bot db upgrade\n"
                                       "web: env LOG_FORMAT=json gunicorn --bind 0.0.0.0:$PORT app:app\n"
                                       "worker: env LOG_FORMAT=json python -m bot outbox run\n")
    (tmp_path / "gunicorn.conf.py").write_text('worker_class = "gthread"\nworkers = 2\nthreads = 16\n')
    lines = procfile.processes(tmp_path)
    assert set(lines) == {"release", "web", "worker"}
    web = procfile.argv(lines["web"], 8123)
    assert web == ["env", "LOG_FORMAT=json", "gunicorn", "--bind", "0.0.0.0:8123", "app:app"]
    settings = procfile.gunicorn_settings(web, tmp_path, {"PATH": "/usr/bin:/bin"})
    assert (settings["worker_class"], settings["workers"], settings["threads"]) == ("gthread", 2, 16)
    one = procfile.gunicorn_settings([*web, "--workers", "1"], tmp_path, {"PATH": "/usr/bin:/bin"})
    assert one["workers"] == 1  # SQLite: the bench's last flag wins over the config file


def test_report_marks_the_issues_targets_from_the_measured_figures():
    results = {"line": {
        "settings": {"rate": 200, "seconds": 10, "line_delay_ms": 50, "hang_seconds": 15, "hang_load_seconds": 25,
                     "kill_seconds": 10, "database": "postgresql", "procfile_web": "gunicorn app:app",
                     "bot_processes": ["web", "worker"], "repo": "/repo", "tls": True,
                     "gunicorn": {"worker_class": "gthread", "workers": 2, "threads": 16}},
        "latency": {"bot": {"events": 2000, "answered": 2000, "arrival_to_answer": {"p99_ms": 140.0}},
                    "echo": {"events": 2000, "answered": 2000, "arrival_to_answer": {"p99_ms": 100.0}}},
        "hang": {"bot": {"webhook": {"p99_ms": 12.0}, "lost": 0, "doubled": 2},
                 "echo": {"webhook": {"p99_ms": 15000.0}, "lost": 0, "doubled": 0}},
        "cpu": {"bot": {"cpu_ms_per_answer": 4.0, "worker_rss_mb": [120.0, 160.5], "connections": 8},
                "echo": {"cpu_ms_per_answer": 2.0, "worker_rss_mb": [80.0, 81.0]}},
        "kill": {"bot": {"lost": 0, "doubled_per_500": 0.5}, "echo": {"lost": 3, "doubled_per_500": 0.0}},
    }}
    figures = {(f.part.split(",")[0].split(" in ")[0], f.name): f for f in build(results)}
    p99 = figures[("LINE 50 ms away", "arrival → answer at LINE, p99")]
    assert (p99.ratio, p99.met) == (1.4, True)
    assert figures[("LINE 50 ms away", "events answered")].met is True
    assert figures[("LINE hangs 15 s", "webhook p99")].met is True
    assert figures[("LINE hangs 15 s", "events answered twice")].met is False
    cpu = figures[("LINE 0 ms away", "CPU per answered message (all the app's processes)")]
    assert (cpu.ratio, cpu.met) == (2.0, False)
    assert figures[("LINE 0 ms away", "a web worker's RSS (the largest)")].bot == 160.5
    assert figures[("kill -9 every web worker twice", "events answered twice, per 500")].met is True
    table = markdown(build(results), {"commit": "abc", "dirty": False, "branch": "b", "at": "now", "cpu_count": 2,
                                      "cpu_model": "cpu", "python": "3.11", "load_average": [1, 1, 1]}, results)
    assert "`web: gunicorn app:app` (gthread, 2 workers × 16 threads" in table and "on **postgresql**" in table
    assert "| 1.40 | ≤ 1.5× echo | yes |" in table and "| < 150 MB | **no** |" in table

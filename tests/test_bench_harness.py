"""The benchmark harness's own pieces (bench/): what it reports is only as right as these. No timing is
asserted here; the benchmarks themselves run with `make bench`."""
from __future__ import annotations

import http.client
import json
import ssl
import threading

import pytest
from linebot.v3 import SignatureValidator

from bench.fake_line_api import Counts, make_server
from bench.load import Events, open_loop
from bench.report import build
from bench.stats import open_loop_schedule, percentile, summary_ms


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


def test_events_are_signed_as_line_signs_them_and_each_has_its_own_id():
    events = Events("the-secret", ["สวัสดีครับ", "เบอร์โทร"], users=3)
    validator = SignatureValidator("the-secret")
    seen = []
    for _ in range(6):
        body, headers = events.next()
        assert validator.validate(body.decode(), headers["X-Line-Signature"])
        assert not SignatureValidator("other").validate(body.decode(), headers["X-Line-Signature"])
        seen.append(json.loads(body)["events"][0])
    assert len({e["webhookEventId"] for e in seen}) == 6
    assert len({e["replyToken"] for e in seen}) == 6
    assert {e["source"]["userId"] for e in seen} == {f"U{i:032x}" for i in range(3)}
    assert [e["message"]["text"] for e in seen[:2]] == ["สวัสดีครับ", "เบอร์โทร"]


@pytest.fixture
def counting_api():
    counts = Counts()
    server = make_server(counts)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server, counts
    server.shutdown()
    server.server_close()


def test_open_loop_sends_every_scheduled_event_and_the_fake_counts_replies(counting_api):
    server, counts = counting_api
    host, port = server.server_address[:2]
    out = open_loop(host, port, "/v2/bot/message/reply", Events("s", ["hi"]), rate=40, seconds=0.25, senders=4)
    assert out.sent == 10 and out.errors == {} and len(out.latencies) == 10
    assert counts.snapshot()["reply"] == 10


def test_tls_fake_is_trusted_through_the_generated_ca_only(tmp_path):
    from bench.tls import make_certificates

    certs = make_certificates(tmp_path)
    server = make_server(Counts(), str(certs.cert), str(certs.key))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    port = server.server_address[1]
    try:
        trusted = ssl.create_default_context(cafile=str(certs.ca))
        conn = http.client.HTTPSConnection("localhost", port, context=trusted, timeout=5)
        conn.request("POST", "/v2/bot/message/reply", body=b"{}", headers={"Content-Type": "application/json"})
        assert conn.getresponse().status == 200
        conn.close()
        untrusted = http.client.HTTPSConnection("localhost", port, context=ssl.create_default_context(), timeout=5)
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusted.request("GET", "/__bench/counts")
    finally:
        server.shutdown()
        server.server_close()


def test_report_marks_targets_from_the_measured_figures():
    results = {"webhook": {"plain": {
        "bot": {"closed_loop": {"messages_per_second": 90.0, "worker_cpu_ms_per_message": 2.0, "latency": {}}},
        "echo": {"closed_loop": {"messages_per_second": 100.0, "worker_cpu_ms_per_message": 1.0, "latency": {}}}}}}
    figures = {f.name: f for f in build(results)}
    throughput = figures["answered messages a second (closed loop, 8 connections)"]
    assert (throughput.ratio, throughput.met) == (0.9, True)
    cpu = figures["web-worker CPU per message"]
    assert (cpu.ratio, cpu.met) == (2.0, False)

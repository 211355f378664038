"""Signed LINE webhook events and the two ways of sending them: a closed loop (N connections, each sends
as soon as its previous answer came back: the server's capacity) and an open loop (events at a fixed rate
on a schedule, whatever the server does: the latency a steady offered load sees)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import itertools
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field

from .stats import open_loop_schedule


@dataclass
class Events:
    """Text events from a pool of users, each with its own webhookEventId and reply token."""

    secret: str
    texts: list[str]
    users: int = 1000
    _n: itertools.count = field(default_factory=itertools.count)

    def next(self) -> tuple[bytes, dict[str, str]]:
        n = next(self._n)
        event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
                 "source": {"type": "user", "userId": f"U{n % self.users:032x}"},
                 "webhookEventId": uuid.uuid4().hex.upper(), "deliveryContext": {"isRedelivery": False},
                 "replyToken": uuid.uuid4().hex,
                 "message": {"id": str(10**14 + n), "type": "text", "text": self.texts[n % len(self.texts)],
                             "quoteToken": "q"}}
        body = json.dumps({"destination": "Ubench", "events": [event]}, ensure_ascii=False).encode()
        signature = base64.b64encode(hmac.new(self.secret.encode(), body, hashlib.sha256).digest()).decode()
        return body, {"Content-Type": "application/json", "X-Line-Signature": signature}


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)  # seconds, of successful requests
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def sent(self) -> int:
        return len(self.latencies) + sum(self.errors.values())


def post(conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]) -> int:
    conn.request("POST", path, body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    if resp.will_close:  # gunicorn's sync workers close after each answer; reconnect for the next
        conn.close()
    return resp.status


def send_one(conn, path, events: Events, out: Outcome, lock: threading.Lock, started: float) -> None:
    body, headers = events.next()
    try:
        status = post(conn, path, body, headers)
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        with lock:
            out.error(type(exc).__name__)
        return
    took = time.perf_counter() - started
    with lock:
        if status == 200:
            out.latencies.append(took)
        else:
            out.error(f"HTTP {status}")


def closed_loop(host: str, port: int, path: str, events: Events, connections: int = 8,
                seconds: float | None = None, messages: int | None = None) -> Outcome:
    """Each connection sends, waits for the answer, sends again: until `seconds` pass or `messages` are sent."""
    out, lock = Outcome(), threading.Lock()
    budget = itertools.count()
    start = time.perf_counter()
    deadline = start + seconds if seconds else None

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            if deadline and time.perf_counter() >= deadline:
                break
            if messages is not None and next(budget) >= messages:
                break
            send_one(conn, path, events, out, lock, time.perf_counter())
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.elapsed = time.perf_counter() - start
    return out


def open_loop(host: str, port: int, path: str, events: Events, rate: float, seconds: float,
              senders: int = 128) -> Outcome:
    """Events at `rate` a second for `seconds`, each handed to a free sender at its scheduled time; the
    latency of each is counted from that scheduled time, so time spent waiting for a sender counts too."""
    out, lock = Outcome(), threading.Lock()
    work: queue.Queue = queue.Queue()
    schedule = open_loop_schedule(rate, seconds)

    def sender():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while (scheduled := work.get()) is not None:
            send_one(conn, path, events, out, lock, scheduled)
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.05
    for offset in schedule:
        when = start + offset
        while (wait := when - time.perf_counter()) > 0:
            time.sleep(wait)
        work.put(when)
    for _ in threads:
        work.put(None)
    for t in threads:
        t.join()
    out.elapsed = time.perf_counter() - start
    return out

"""Signed LINE webhook events and the two ways of sending them, as LINE's platform would:

- a closed loop (N connections, each sends as soon as its previous answer came back: the server's
  capacity, for CPU per message);
- an open loop (events at a fixed rate on a schedule, whatever the server does: the latency a steady
  offered load sees). An event whose webhook fails (reset, timeout, 5xx) is redelivered, as LINE does
  with webhook redelivery on: the same webhookEventId and reply token, `isRedelivery: true`.

Events made with `users=None` each come from a user of their own, so that a push names its event exactly
(`tally.py`); a reply names its event by the reply token in any case.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import heapq
import http.client
import itertools
import json
import select
import threading
import time
import uuid
from dataclasses import dataclass, field

from .stats import open_loop_schedule

REDELIVERY_AFTER = (1, 2, 4, 8)  # seconds before each redelivery of a failed webhook


@dataclass
class Event:
    """One message event and what became of its webhook."""

    n: int
    user: str
    text: str
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex.upper())
    reply_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    scheduled: float = 0.0  # time.monotonic() of its first delivery (its arrival)
    attempts: list[tuple[float, float, str]] = field(default_factory=list)  # (sent, took, status or error)

    @property
    def accepted(self) -> bool:
        return any(status == "200" for _, _, status in self.attempts)

    def webhook_seconds(self) -> float | None:
        """From its arrival to the first 200 (redeliveries and their waits included)."""
        for sent, took, status in self.attempts:
            if status == "200":
                return sent + took - self.scheduled
        return None


@dataclass
class Events:
    """Text events; `users` cycles a pool of users, None gives every event a user of its own. `tag` (one
    hex digit) keeps the user ids of two event sources apart when they share one fake LINE API."""

    secret: str
    texts: list[str]
    users: int | None = 1000
    tag: str = "0"
    _n: itertools.count = field(default_factory=itertools.count)

    def make(self) -> Event:
        n = next(self._n)
        user = f"U{self.tag}{(n if self.users is None else n % self.users):031x}"
        return Event(n, user, self.texts[n % len(self.texts)])

    def signed(self, event: Event, redelivery: bool = False) -> tuple[bytes, dict[str, str]]:
        raw = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
               "source": {"type": "user", "userId": event.user}, "webhookEventId": event.event_id,
               "deliveryContext": {"isRedelivery": redelivery}, "replyToken": event.reply_token,
               "message": {"id": str(10**14 + event.n), "type": "text", "text": event.text, "quoteToken": "q"}}
        body = json.dumps({"destination": "Ubench", "events": [raw]}, ensure_ascii=False).encode()
        signature = base64.b64encode(hmac.new(self.secret.encode(), body, hashlib.sha256).digest()).decode()
        return body, {"Content-Type": "application/json", "X-Line-Signature": signature}

    def next(self) -> tuple[bytes, dict[str, str]]:
        return self.signed(self.make())


def reusable(conn: http.client.HTTPConnection) -> http.client.HTTPConnection:
    """Drops a kept-alive connection the server has closed while idle (gthread closes them after its
    keep-alive), so an event is never sent on a dead socket and counted as the server's failure."""
    if conn.sock is not None and select.select([conn.sock], [], [], 0)[0]:
        conn.close()
    return conn


def post(conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]) -> int:
    reusable(conn).request("POST", path, body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    if resp.will_close:  # sync workers close after each answer; reconnect for the next
        conn.close()
    return resp.status


def deliver(conn, path: str, events: Events, event: Event, redelivery: bool) -> str:
    """One webhook call: "200", "HTTP 503", or the error's name."""
    body, headers = events.signed(event, redelivery)
    sent = time.monotonic()
    try:
        status = str(post(conn, path, body, headers))
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        status = type(exc).__name__
    event.attempts.append((sent, time.monotonic() - sent, status))
    return status


def closed_loop(host: str, port: int, path: str, events: Events, connections: int = 8,
                seconds: float | None = None, messages: int | None = None) -> list[Event]:
    """Each connection sends, waits for the answer, sends again: until `seconds` pass or `messages` are sent."""
    done: list[Event] = []
    budget = itertools.count()
    deadline = time.monotonic() + seconds if seconds else None

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while not (deadline and time.monotonic() >= deadline) and not (messages is not None
                                                                         and next(budget) >= messages):
            event = events.make()
            event.scheduled = time.monotonic()
            deliver(conn, path, events, event, False)
            done.append(event)
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done


class _Schedule:
    """Deliveries due at a time (first deliveries and redeliveries), handed to free senders when due."""

    def __init__(self):
        self.cond = threading.Condition()
        self.heap: list[tuple[float, int, Event, int]] = []
        self.seq = itertools.count()
        self.open = 0  # events not yet accepted nor given up
        self.closed = False

    def put(self, when: float, event: Event, attempt: int) -> None:
        with self.cond:
            heapq.heappush(self.heap, (when, next(self.seq), event, attempt))
            self.cond.notify()

    def get(self):
        with self.cond:
            while True:
                if self.heap and self.heap[0][0] <= time.monotonic():
                    return heapq.heappop(self.heap)
                if self.closed and not self.heap and self.open == 0:
                    return None
                self.cond.wait(None if not self.heap else max(0.0, self.heap[0][0] - time.monotonic()))

    def finished(self) -> None:
        with self.cond:
            self.open -= 1
            self.cond.notify_all()


def open_loop(host: str, port: int, path: str, events: Events, rate: float, seconds: float,
              senders: int = 256, timeout: float = 30, during=None) -> list[Event]:
    """Events at `rate` a second for `seconds`; each is handed to a free sender at its scheduled time,
    and its latency counted from that time, so time spent waiting for a sender counts too (no coordinated
    omission). A failed webhook is redelivered after REDELIVERY_AFTER. `during(elapsed)` is called about
    every 50 ms while events are being scheduled (the hang and kill parts act through it)."""
    schedule = _Schedule()
    made: list[Event] = []

    def sender():
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        while (item := schedule.get()) is not None:
            _, _, event, attempt = item
            if deliver(conn, path, events, event, attempt > 0) == "200" or attempt >= len(REDELIVERY_AFTER):
                schedule.finished()
            else:
                schedule.put(time.monotonic() + REDELIVERY_AFTER[attempt], event, attempt + 1)
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    start = time.monotonic() + 0.05
    next_hook = start
    for offset in open_loop_schedule(rate, seconds):
        when = start + offset
        while (wait := when - time.monotonic()) > 0:
            time.sleep(min(wait, 0.05))
            if during and time.monotonic() >= next_hook:
                during(time.monotonic() - start)
                next_hook = time.monotonic() + 0.05
        event = events.make()
        event.scheduled = when
        made.append(event)
        with schedule.cond:
            schedule.open += 1
        schedule.put(when, event, 0)
    with schedule.cond:
        schedule.closed = True
        schedule.cond.notify_all()
    for t in threads:
        t.join()
    return made

"""Sending the outbox: a pass over the due rows, the worker process that runs passes (`python -m bot
outbox run`), and the kicker that runs one right after a commit. Each row goes to its sender (senders.py).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from bot.core.backoff import Backoff
from bot.core.lazy import built_once
from bot.storage import utcnow

from . import rows, senders
from .models import OutboxMessage

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


@dataclass
class Result:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def tried(self) -> int:
        return self.sent + self.retrying + self.failed

    def add(self, other: Result) -> None:
        self.sent, self.retrying, self.failed = (self.sent + other.sent, self.retrying + other.retrying,
                                                 self.failed + other.failed)


def deliver_due(services: Services, now: datetime | None = None, limit: int = 100,
                clock: Callable[[], datetime] | None = None) -> Result:
    """One pass: send every due, unclaimed message once. Each claim's lease and each failure's backoff
    are reckoned from the clock at that moment, not from the pass's start (a slow send would eat both)."""
    result = Result()
    clock = clock or ((lambda: now) if now else utcnow)
    for row_id in rows.due_ids(services, clock(), limit):
        if not rows.claim(services, row_id, clock()):
            continue  # another sender has it
        with services.db.session() as s:
            row = s.get(OutboxMessage, row_id)
            s.expunge(row)
        error: Exception | None = None
        try:
            senders.send(services, row)
        except Exception as exc:  # every failure is recorded on the row; unknown ones are retried
            error = exc
        outcome = rows.record(services, row_id, clock(), error)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


@dataclass
class Worker:
    """`python -m bot outbox run`: passes every `interval` seconds; `clock` and `sleep` are for tests.

    A pass that fails (the database is down, say) is logged and retried after a growing pause, up to
    `max_pause`: the process outlives any outage and delivers once the database is back."""

    services: Services
    interval: float = 5.0
    clock: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep
    stop: threading.Event = field(default_factory=threading.Event)
    max_pause: float = 60.0

    def run(self, once: bool = False) -> Result:
        total = Result()
        failures = 0
        pauses = Backoff(base=self.interval * 2, most=self.max_pause)
        while not self.stop.is_set():
            try:
                r = deliver_due(self.services, clock=self.clock)
            except Exception as exc:  # the database or anything else: log, pause, try again
                failures += 1
                pause = pauses.delay(failures)
                log.error("outbox pass failed (%s); next try in %.0f s: %s", type(exc).__name__, pause,
                          str(exc).splitlines()[0][:200])
                if once:
                    raise
                self.sleep(pause)
                continue
            if failures:
                log.info("outbox pass succeeded again after %s failed ones", failures)
                failures = 0
            total.add(r)
            if once:
                break
            self.sleep(self.interval)
        return total
class Kicker:
    """Delivers right after a commit, in a background thread, so alerts go out within seconds without a
    worker; at most one thread per process, re-running if kicked again while busy."""

    def __init__(self, services: Services):
        self.services = services
        self._lock = threading.Lock()
        self._busy = False
        self._again = False
        self.idle = threading.Event()
        self.idle.set()

    def kick(self) -> None:
        with self._lock:
            if self._busy:
                self._again = True
                return
            self._busy, self._again = True, False
            self.idle.clear()
        threading.Thread(target=self._run, name="outbox-kick", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                deliver_due(self.services)
            except Exception:  # the worker will retry; never let this thread die silently
                log.exception("outbox delivery after commit failed")
            with self._lock:
                if not self._again:
                    self._busy = False
                    self.idle.set()
                    return
                self._again = False


def kick(services: Services) -> None:
    """Deliver what is due in the background now (the services' one kicker, made on first use)."""
    built_once(services, "kicker", lambda: Kicker(services)).kick()

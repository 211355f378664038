"""The outbox: messages written in the same transaction as the change they announce, then delivered and
retried with exponential backoff until the platform or mail server accepts them.

So an outage of LINE or of the mail server delays an alert but never loses it, and a crash between the
commit and the send leaves a pending row for the worker. Several processes may deliver at once (the
background attempt after a commit, `python -m bot outbox run`, several web workers): a row is claimed
with a conditional UPDATE (a lease), so only one of them sends it.

Chat answers that could not be delivered at once (the platform failed, timed out or the reply token was
spent) are queued here too, as pushes with their own retry key; so is the receipt that gives a tracking
code, written with the complaint itself.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.channels.platforms import DeliveryError
from bot.storage import utcnow

from .models import OutboxMessage

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=2)  # longer than any one send, so a crashed sender's claim runs out


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... at most an hour between tries."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def enqueue(session: Session, channel: str, target: str, payload: dict, purpose: str, ref: str | None = None,
            now: datetime | None = None, due: datetime | None = None) -> OutboxMessage:
    """A row created `now` (the clock the caller reckons with), first tried at `due` (default: now)."""
    now = now or utcnow()
    row = OutboxMessage(channel=channel, target=target, payload=payload, purpose=purpose, ref=ref,
                        next_attempt_at=due or now, created_at=now, retry_key=str(uuid.uuid4()))
    session.add(row)
    return row


def settle(session: Session, row_ids, now: datetime, why: str) -> None:
    """Mark pending rows delivered by other means (their text went out with, or is queued in, an answer)."""
    if row_ids:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(list(row_ids)),
                                                    OutboxMessage.status == "pending")
                        .values(status="sent", sent_at=now, locked_until=None, last_error=why[:200])
                        .execution_options(synchronize_session=False))


def pending_id(session: Session, purpose: str, ref: str) -> int | None:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.purpose == purpose, OutboxMessage.ref == ref,
                                                         OutboxMessage.status == "pending"))


def due_now(services, row_id: int, now: datetime, retry_after: float | None = None, payload: dict | None = None,
            error: str | None = None) -> None:
    """Hand an answer the webhook could not deliver to the outbox senders: due at once, or after the
    platform's Retry-After; `payload` replaces what is left to send."""
    values: dict = {"next_attempt_at": now + timedelta(seconds=retry_after or 0), "locked_until": None}
    if payload is not None:
        values["payload"] = payload
    if error:
        values["last_error"] = error[:2000]
    with services.db.session() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
                  .values(**values).execution_options(synchronize_session=False))


def mark_sent(services, row_id: int, now: datetime) -> None:
    with services.db.session() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
                  .values(status="sent", sent_at=now, locked_until=None, attempts=OutboxMessage.attempts + 1)
                  .execution_options(synchronize_session=False))


def is_due(now: datetime):
    """Pending, its time come, and not claimed by a sender whose lease still runs."""
    return and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))


def claim(services, row_id: int, now: datetime) -> bool:
    """Take the row if it is still due; the check and the lease are one UPDATE, so one sender wins."""
    with services.db.session() as s:
        result = s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, is_due(now))
                           .values(locked_until=now + LEASE))
        return result.rowcount == 1


def due_ids(services, now: datetime, limit: int) -> list[int]:
    with services.db.session() as s:
        return list(s.scalars(select(OutboxMessage.id).where(is_due(now))
                              .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def record(services, row_id: int, now: datetime, error: Exception | None) -> None:
    with services.db.session() as s:
        row = s.get(OutboxMessage, row_id)
        row.attempts += 1
        row.locked_until = None
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
            return
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if isinstance(error, DeliveryError) and not error.retryable:
            row.status = "failed"
            log.error("outbox %s to %s:%s failed for good: %s", row.id, row.channel, row.purpose, error)
        else:
            wait = getattr(error, "retry_after", None)  # the platform's Retry-After wins over our backoff
            row.next_attempt_at = now + (timedelta(seconds=wait) if wait is not None else backoff(row.attempts))
            log.warning("outbox %s to %s:%s failed (try %s), next at %s: %s", row.id, row.channel, row.purpose,
                        row.attempts, row.next_attempt_at.isoformat(timespec="seconds"), error)


@dataclass
class Result:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def tried(self) -> int:
        return self.sent + self.retrying + self.failed


def deliver_due(services, now: datetime | None = None, limit: int = 100,
                clock: Callable[[], datetime] | None = None) -> Result:
    """One pass: send every due, unclaimed message once. Each claim's lease and each failure's backoff
    are reckoned from the clock at that moment, not from the pass's start (a slow send would eat both)."""
    from .delivery import send

    result = Result()
    clock = clock or ((lambda: now) if now else utcnow)
    for row_id in due_ids(services, clock(), limit):
        if not claim(services, row_id, clock()):
            continue  # another sender has it
        with services.db.session() as s:
            row = s.get(OutboxMessage, row_id)
            s.expunge(row)
        error: Exception | None = None
        try:
            send(services, row)
        except Exception as exc:  # every failure is recorded on the row; unknown ones are retried
            error = exc
        record(services, row_id, clock(), error)
        if error is None:
            result.sent += 1
        elif isinstance(error, DeliveryError) and not error.retryable:
            result.failed += 1
        else:
            result.retrying += 1
    return result


def retry_failed(services, row_id: int | None = None, now: datetime | None = None) -> int:
    """Put failed messages back in the queue (after the configuration was fixed)."""
    with services.db.session() as s:
        query = update(OutboxMessage).where(OutboxMessage.status == "failed")
        if row_id is not None:
            query = query.where(OutboxMessage.id == row_id)
        return s.execute(query.values(status="pending", next_attempt_at=now or utcnow())).rowcount


@dataclass
class Worker:
    """`python -m bot outbox run`: passes every `interval` seconds; `clock` and `sleep` are for tests.

    A pass that fails (the database is down, say) is logged and retried after a growing pause, up to
    `max_pause`: the process outlives any outage and delivers once the database is back."""

    services: object
    interval: float = 5.0
    clock: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep
    stop: threading.Event = field(default_factory=threading.Event)
    max_pause: float = 60.0

    def run(self, once: bool = False) -> Result:
        total = Result()
        failures = 0
        while not self.stop.is_set():
            try:
                r = deliver_due(self.services, clock=self.clock)
            except Exception as exc:  # the database or anything else: log, pause, try again
                failures += 1
                pause = min(self.interval * 2 ** min(failures, 10), self.max_pause)
                log.error("outbox pass failed (%s); next try in %.0f s: %s", type(exc).__name__, pause,
                          str(exc).splitlines()[0][:200])
                if once:
                    raise
                self.sleep(pause)
                continue
            if failures:
                log.info("outbox pass succeeded again after %s failed ones", failures)
                failures = 0
            total.sent, total.retrying, total.failed = (total.sent + r.sent, total.retrying + r.retrying,
                                                        total.failed + r.failed)
            if once:
                break
            self.sleep(self.interval)
        return total


class Kicker:
    """Delivers right after a commit, in a background thread, so alerts go out within seconds without a
    worker; at most one thread per process, re-running if kicked again while busy."""

    def __init__(self, services):
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


def kick(services) -> None:
    kicker = services.extra.get("complaints.kicker")
    if kicker is None:
        kicker = services.extra.setdefault("complaints.kicker", Kicker(services))
    kicker.kick()

"""Sending the planned batches of a claimed occurrence, recording each attempt before it is made.

Before every request the sender renews its lease (and stops if another process has taken the occurrence
over) and counts the attempt; after it, the batch's outcome is stored (for LINE, in the same transaction
that opens the next batch's attempt: one commit per batch). A crash anywhere leaves a batch `pending` with
its retry key, and whoever resumes repeats the request with that same key, which LINE answers with 409 if
the first one had gone through.
"""
from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from typing import Callable

from sqlalchemy import bindparam, select, update

from bot.storage import utcnow

from .claim import LEASE, finish
from .models import FAILED, PENDING, SENDING, SENT, BroadcastBatch, BroadcastRun
from .retry import RetryPolicy
from .senders import BatchError, sender

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Progress = Callable[[int], None]


class LostLease(Exception):
    """Another process took this occurrence over (our lease had run out); it finishes the send."""


# Prebuilt Core statements on the tables: a batch's bookkeeping runs 200 times per 100,000 followers, and
# building ORM update statements anew for each cost more than executing them (profile in bench_multicast).
_BATCH, _RUN = BroadcastBatch.__table__, BroadcastRun.__table__
_RENEW = (update(_RUN).where(_RUN.c.id == bindparam("b_run"), _RUN.c.owner == bindparam("b_owner"),
                             _RUN.c.status == SENDING).values(lease_until=bindparam("b_lease")))
_COUNT_ATTEMPT = (update(_BATCH).where(_BATCH.c.id == bindparam("b_batch"))
                  .values(attempts=_BATCH.c.attempts + 1, updated_at=bindparam("b_now")))


@lru_cache(maxsize=32)
def _store_statement(columns: tuple[str, ...]):
    """UPDATE of a batch's `columns` (and updated_at), built once per set of columns: each outcome a batch
    can have (sent, failed, retried, Messenger's progress) is one of a handful of such sets."""
    return (update(_BATCH).where(_BATCH.c.id == bindparam("b_batch"))
            .values({name: bindparam(f"b_{name}") for name in (*columns, "updated_at")}))


def _store(conn, batch_id: int, now: datetime, values: dict) -> None:
    params = {f"b_{name}": value for name, value in values.items()}
    conn.execute(_store_statement(tuple(values)), {**params, "b_batch": batch_id, "b_updated_at": now})


def _begin_attempt(services, run_id: int, batch_id: int, owner: str, now: datetime,
                   settle: tuple[int, dict] | None = None) -> None:
    """Record the previous batch's outcome (`settle`), renew the lease, count an attempt: one transaction."""
    with services.db.engine.begin() as conn:
        if settle is not None:
            _store(conn, settle[0], now, settle[1])
        renewed = conn.execute(_RENEW, {"b_run": run_id, "b_owner": owner, "b_lease": now + LEASE})
        if renewed.rowcount != 1:
            raise LostLease(run_id)
        conn.execute(_COUNT_ATTEMPT, {"b_batch": batch_id, "b_now": now})


def _save(services, batch_id: int, now: datetime, **values) -> None:
    with services.db.engine.begin() as conn:
        _store(conn, batch_id, now, values)


class Delivery:
    """The sending of one occurrence by one owner."""

    def __init__(self, services, run_id: int, owner: str, clock: Clock = utcnow,
                 policy: RetryPolicy | None = None, progress: Progress | None = None):
        self.services, self.run_id, self.owner, self.clock = services, run_id, owner, clock
        self.policy = policy or RetryPolicy.from_settings(services.settings)
        self.progress = progress or (lambda n: None)
        self._settle: tuple[int, dict] | None = None  # a sent whole batch not yet recorded

    def pending(self) -> tuple[dict, list[BroadcastBatch]]:
        with self.services.db.session() as s:
            run = s.get(BroadcastRun, self.run_id)
            batches = list(s.scalars(select(BroadcastBatch)
                                     .where(BroadcastBatch.run_id == self.run_id, BroadcastBatch.status == PENDING)
                                     .order_by(BroadcastBatch.channel.desc(), BroadcastBatch.batch_no)))
            return dict(run.payload or {}), batches

    def run(self) -> str | None:
        """Send what is left; the occurrence's final status, or None if another process took it over."""
        payload, batches = self.pending()
        try:
            for batch in batches:
                channel = sender(self.services, batch.channel)
                if channel.per_person:
                    self._person_by_person(channel, batch, payload.get(batch.channel, []))
                else:
                    self._whole_batch(channel, batch, payload.get(batch.channel, []))
        except LostLease:
            log.warning("occurrence %s was taken over by another process; leaving it to them", self.run_id)
            return None
        finally:
            self._record_settled()
        return finish(self.services, self.run_id, self.owner, self.clock())

    def _attempt(self, batch_id: int) -> None:
        settle, self._settle = self._settle, None
        try:
            _begin_attempt(self.services, self.run_id, batch_id, self.owner, self.clock(), settle)
        except BaseException:
            self._settle = self._settle or settle
            raise

    def _record_settled(self) -> None:
        if self._settle is not None:
            batch_id, values = self._settle
            _save(self.services, batch_id, self.clock(), **values)
            self._settle = None

    def _wait(self, attempt: int, exc: BatchError) -> None:
        seconds = self.policy.delay(attempt, exc.retry_after)
        log.info("retrying in %.1f s after: %s", seconds, exc)
        self.policy.sleep(seconds)

    def _whole_batch(self, channel, batch: BroadcastBatch, messages: list[dict]) -> None:
        """One request for the batch (LINE: a multicast or the broadcast), under the batch's retry key."""
        for attempt in range(1, self.policy.max_attempts + 1):
            self._attempt(batch.id)
            try:
                note = channel.send_announcement(batch.kind, batch.recipients, messages, batch.retry_key)
            except BatchError as exc:
                if not exc.retryable or attempt == self.policy.max_attempts:
                    _save(self.services, batch.id, self.clock(), status=FAILED, error=str(exc))
                    return
                _save(self.services, batch.id, self.clock(), error=str(exc))
                self._wait(attempt, exc)
                continue
            self._settle = (batch.id, dict(status=SENT, sent_count=batch.recipient_count, sent_at=self.clock(),
                                            error=note))
            self.progress(batch.recipient_count)
            return

    def _person_by_person(self, channel, batch: BroadcastBatch, messages: list[dict]) -> None:
        """Person by person (Messenger), keeping count of who is done so a resumed send starts at the next
        person; someone whose 24-hour window has closed since the plan is skipped."""
        self._record_settled()
        sent, refused = batch.sent_count, batch.failed_count
        todo = batch.recipients[sent + refused:]
        with self.services.db.session() as s:
            allowed = channel.reachable(s, todo, self.clock())
        reasons: list[str] = [batch.error] if batch.error and refused else []
        for user_id in todo:
            if user_id in allowed:
                outcome = self._to_person(channel, batch, user_id, messages)
            else:
                outcome = "ปิดช่วง 24 ชั่วโมงไปแล้ว"
            if outcome == "fatal":
                return
            if outcome is None:
                sent += 1
            else:
                refused += 1
                reasons = (reasons + [f"{user_id}: {outcome}"])[-3:]
            _save(self.services, batch.id, self.clock(), sent_count=sent, failed_count=refused,
                  error="; ".join(reasons) or None)
            self.progress(1)
        _save(self.services, batch.id, self.clock(), status=SENT, sent_at=self.clock())

    def _to_person(self, channel, batch: BroadcastBatch, user_id: str, messages: list[dict]) -> str | None:
        """None when every message reached the person; the reason when Messenger refused this person;
        "fatal" when the batch cannot go on (it is then marked failed)."""
        batch_id = batch.id
        for message in messages:
            for attempt in range(1, self.policy.max_attempts + 1):
                self._attempt(batch_id)
                try:
                    channel.send_announcement(batch.kind, [user_id], [message], batch.retry_key)
                    break
                except BatchError as exc:
                    if exc.refused:
                        return str(exc)[:200]
                    if not exc.retryable or attempt == self.policy.max_attempts:
                        _save(self.services, batch_id, self.clock(), status=FAILED, error=str(exc))
                        return "fatal"
                    self._wait(attempt, exc)
        return None

"""Exactly once: an occurrence is claimed in the database before anything is sent.

A claim is one transaction that (1) moves the announcement on with a conditional UPDATE (status still
`scheduled`, revision unchanged), (2) inserts the occurrence row, unique on (broadcast_id, run_at), and
(3) plans every delivery batch with its recipients and a fresh LINE retry key. A second scheduler doing the
same either finds the UPDATE matching no row or the INSERT violating the unique constraint, and sends
nothing. The claimant holds a lease on the occurrence; if it dies, the lease runs out and another process
takes the occurrence over and sends the batches not yet sent, with the retry keys they were planned with.
An occurrence started by the scheduler process is also taken over as soon as that process has lost the
scheduler lease (it died or was superseded), without waiting for the occurrence's own, longer lease.
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.channels import registry

from .models import (FAILED, MISSED, PENDING, SCHEDULED, SENDING, SENT, Broadcast, BroadcastBatch,
                     BroadcastRun, SchedulerLease)
from .render import render, sender_of

# Renewed before every request; longer than the longest wait between two requests (a capped Retry-After
# plus a request timeout), so a live sender never loses it.
LEASE = timedelta(minutes=10)


SCHEDULER_LEASE = "scheduler"
# The scheduler lease this process holds, if it is the clock: occurrences it claims are named after it.
_serving: dict[str, str | None] = {"scheduler": None}


def serve_as(scheduler_owner: str | None) -> None:
    _serving["scheduler"] = scheduler_owner


def new_owner() -> str:
    """An occurrence owner's name; `<scheduler lease owner>/<id>` when claimed by the active scheduler."""
    if _serving["scheduler"]:
        return f"{_serving['scheduler'][:110]}/{uuid.uuid4().hex[:8]}"
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def scheduler_of(owner: str | None) -> str | None:
    return owner.rsplit("/", 1)[0] if owner and "/" in owner else None


def orphaned(run: BroadcastRun, lease: SchedulerLease | None, now: datetime) -> bool:
    """The run's sender is gone: its own lease ran out, or it was the scheduler and lost that lease."""
    if run.lease_until is None or run.lease_until < now:
        return True
    scheduler = scheduler_of(run.owner)
    return scheduler is not None and (lease is None or lease.owner != scheduler or lease.expires_at < now)


def _plan(session, run: BroadcastRun, b: Broadcast, now: datetime) -> list[str]:
    """Batches of the occurrence, each with its recipients and retry key; notes on channels left empty."""
    notes, batches = [], []
    for name in registry.names():
        if name in b.channels:
            plan = registry.channel_class(name).broadcast_batches(session, b, now)
            batches += [(name, kind, people, count) for kind, people, count in plan.batches]
            notes += plan.notes
    numbers: dict[str, int] = {}
    rows = []
    for channel, kind, people, count in batches:
        numbers[channel] = numbers.get(channel, 0) + 1
        rows.append(dict(run_id=run.id, channel=channel, batch_no=numbers[channel], kind=kind, recipients=people,
                         recipient_count=count, retry_key=str(uuid.uuid4()), status=PENDING, attempts=0,
                         sent_count=0, failed_count=0, updated_at=now))
    if rows:  # one executemany on the table, not an ORM object per batch (200 for 100,000 followers)
        session.execute(insert(BroadcastBatch.__table__), rows)
    return notes


def claim(services, broadcast_id: int, revision: int, run_at: datetime, now: datetime, owner: str,
          manual: bool = False, from_status: tuple[str, ...] = (SCHEDULED,)) -> int | None:
    """Claim occurrence `run_at` of the announcement and plan its batches; the occurrence id, or None
    when it is not ours to send (already claimed, cancelled, edited meanwhile)."""
    office = sender_of(services.content)
    try:
        with services.db.session() as s:
            b = s.get(Broadcast, broadcast_id)
            if b is None:
                return None
            moved = s.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status.in_(from_status),
                       Broadcast.revision == revision)
                .values(status=SCHEDULED if b.recurring else SENDING, last_run_at=now)
                .execution_options(synchronize_session=False))
            if moved.rowcount != 1:
                s.rollback()
                return None
            s.refresh(b)
            run = BroadcastRun(broadcast_id=b.id, run_at=run_at, manual=manual, status=SENDING, owner=owner,
                               lease_until=now + LEASE, claimed_at=now, payload=render(b, office, b.channels))
            s.add(run)
            s.flush()  # the unique (broadcast_id, run_at) check happens here
            run.note = "; ".join(_plan(s, run, b, now)) or None
            return run.id
    except IntegrityError:
        return None
    except OperationalError as exc:
        if not _lost_race(exc):
            raise
        return None  # PostgreSQL chose this claim as a deadlock's victim: the other scheduler's went through


def _lost_race(exc: OperationalError) -> bool:
    """A deadlock between two schedulers claiming the same occurrence at once: PostgreSQL rolls one back
    (SQLSTATE 40P01), which, like the unique-key loss above, means another scheduler has it. Nothing of
    this claim was kept, so if the other claim was for something else the next pass claims this one."""
    return getattr(exc.orig, "sqlstate", None) == "40P01"


def mark_missed(services, broadcast_id: int, revision: int, run_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Record that occurrence `run_at` came too late to send (the scheduler was down or busy)."""
    late, allowed = int((now - run_at).total_seconds() // 60), int(grace.total_seconds() // 60)
    reason = f"เลยเวลาส่งไป {late} นาที เกินกว่าที่ยอมให้ส่งช้าได้ ({allowed} นาที)"
    try:
        with services.db.session() as s:
            b = s.get(Broadcast, broadcast_id)
            if b is None:
                return False
            moved = s.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == SCHEDULED, Broadcast.revision == revision)
                .values(status=SCHEDULED if b.recurring else MISSED, last_run_at=now)
                .execution_options(synchronize_session=False))
            if moved.rowcount != 1:
                s.rollback()
                return False
            s.add(BroadcastRun(broadcast_id=broadcast_id, run_at=run_at, status=MISSED, claimed_at=now,
                               finished_at=now, error=reason))
            s.flush()
            return True
    except IntegrityError:
        return False


def take_over(services, run_id: int, now: datetime, owner: str, force: bool = False) -> bool:
    """Become the sender of an occurrence whose sender is gone (see `orphaned`); `force` (staff's
    `send-now --resume`) takes it over in any case: the batches' retry keys keep LINE from showing it
    twice, and a sender still alive stops at its next request, having lost the occurrence."""
    with services.db.session() as s:
        run = s.get(BroadcastRun, run_id)
        if run is None or run.status != SENDING:
            return False
        if not force and not orphaned(run, s.get(SchedulerLease, SCHEDULER_LEASE), now):
            return False
        moved = s.execute(
            update(BroadcastRun)
            .where(BroadcastRun.id == run_id, BroadcastRun.status == SENDING, BroadcastRun.owner == run.owner)
            .values(owner=owner, lease_until=now + LEASE)
            .execution_options(synchronize_session=False))
        return moved.rowcount == 1


def stalled_runs(services, now: datetime, broadcast_id: int | None = None) -> list[tuple[int, int, datetime]]:
    """(run id, broadcast id, run_at) of occurrences left `sending` by a sender that is gone."""
    with services.db.session() as s:
        query = select(BroadcastRun).where(BroadcastRun.status == SENDING)
        if broadcast_id is not None:
            query = query.where(BroadcastRun.broadcast_id == broadcast_id)
        lease = s.get(SchedulerLease, SCHEDULER_LEASE)
        return [(r.id, r.broadcast_id, r.run_at) for r in s.scalars(query.order_by(BroadcastRun.id))
                if orphaned(r, lease, now)]


def reopen_failed(services, broadcast_id: int, now: datetime, owner: str) -> int | None:
    """Send the unsent batches of a failed announcement's last occurrence again (same retry keys)."""
    with services.db.session() as s:
        run = s.scalars(select(BroadcastRun).where(BroadcastRun.broadcast_id == broadcast_id)
                        .order_by(BroadcastRun.id.desc()).limit(1)).first()
        if run is None or run.status != FAILED:
            return None
        moved = s.execute(update(BroadcastRun).where(BroadcastRun.id == run.id, BroadcastRun.status == FAILED)
                          .values(status=SENDING, owner=owner, lease_until=now + LEASE, finished_at=None)
                          .execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            s.rollback()
            return None
        s.execute(update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.status == FAILED)
                  .values(status=SENDING).execution_options(synchronize_session=False))
        s.execute(update(BroadcastBatch).where(BroadcastBatch.run_id == run.id, BroadcastBatch.status == FAILED)
                  .values(status=PENDING, updated_at=now).execution_options(synchronize_session=False))
        return run.id


def renew(services, run_id: int, owner: str, now: datetime) -> bool:
    """Extend our lease; False when another process has taken the occurrence over (we must stop)."""
    with services.db.session() as s:
        moved = s.execute(update(BroadcastRun)
                          .where(BroadcastRun.id == run_id, BroadcastRun.owner == owner,
                                 BroadcastRun.status == SENDING)
                          .values(lease_until=now + LEASE).execution_options(synchronize_session=False))
        return moved.rowcount == 1


def finish(services, run_id: int, owner: str, now: datetime) -> str | None:
    """Close the occurrence from its batches: `sent` when every batch went, else `failed`."""
    with services.db.session() as s:
        run = s.get(BroadcastRun, run_id)
        if run is None or run.owner != owner or run.status != SENDING:
            return None
        # Only the columns the verdict needs: loading whole batches would decode every recipient list again.
        failed = [b for b in s.execute(select(BroadcastBatch.channel, BroadcastBatch.batch_no, BroadcastBatch.status,
                                              BroadcastBatch.error)
                                       .where(BroadcastBatch.run_id == run_id).order_by(BroadcastBatch.id))
                  if b.status != SENT]
        status = FAILED if failed else SENT
        error = "; ".join(f"{b.channel} ชุดที่ {b.batch_no}: {b.error}" for b in failed) or None
        moved = s.execute(update(BroadcastRun).where(BroadcastRun.id == run_id, BroadcastRun.owner == owner,
                                                     BroadcastRun.status == SENDING)
                          .values(status=status, finished_at=now, lease_until=None, error=error)
                          .execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            s.rollback()
            return None
        b = s.get(Broadcast, run.broadcast_id)
        if b is not None:
            if status == SENT:
                b.sent_at = now
            if not b.recurring and b.status == SENDING:
                b.status = status
        return status

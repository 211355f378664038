"""The due-job function: given a time, send what is due, mark what is too late, resume what a dead process
left half-sent. The scheduler process calls it when APScheduler fires an announcement's job; tests call it
with the time they want (or a clock of their own), so no test waits for a clock.

The clock is read again at every step, never frozen at the run's start: a send can take many minutes, and
each batch's times and each renewal of the occurrence's lease must be those of the moment they happen, or a
live sender's lease would run out under it and another scheduler would take the send over."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select

from bot.storage import utcnow

from .claim import claim, mark_missed, new_owner, reopen_failed, stalled_runs, take_over
from .deliver import Clock, Delivery
from .errors import BroadcastNotFound, BroadcastStateError
from .models import CANCELLED, FAILED, MISSED, SCHEDULED, SENDING, SENT, Broadcast, BroadcastBatch, BroadcastRun
from .retry import RetryPolicy
from .schedule import latest_fire_time, show

log = logging.getLogger(__name__)

ProgressFactory = Callable[[int], Callable[[int], None]]


@dataclass(frozen=True)
class Outcome:
    broadcast_id: int
    run_at: datetime
    status: str  # sent | failed | missed | taken-over | error
    run_id: int | None = None


def due_occurrence(b: Broadcast, last_run_at: datetime | None, now: datetime) -> datetime | None:
    """The occurrence of `b` to act on at `now`: a one-off's time once it has come; for a recurrence, the
    latest period not yet run (earlier unrun periods coalesce into it)."""
    if b.cron:
        after = max(b.schedule_from, last_run_at) if last_run_at else b.schedule_from
        return latest_fire_time(b.cron, after, now)
    return b.run_at if b.run_at is not None and b.run_at <= now else None


def clock_of(now: datetime | None, clock: Clock | None) -> Clock:
    """The clock a run reads: `clock`, else one standing still at `now` (tests), else the real time."""
    return clock or ((lambda: now) if now else utcnow)


def _deliver(services, run_id: int, owner: str, clock: Clock, policy, progress: ProgressFactory | None) -> str:
    delivery = Delivery(services, run_id, owner, clock, policy)
    if progress is not None:
        _, batches = delivery.pending()
        delivery.progress = progress(sum(b.recipient_count for b in batches))
    return delivery.run() or "taken-over"


def resume_stalled(services, now: datetime | None = None, *, only: int | None = None,
                   policy: RetryPolicy | None = None, progress: ProgressFactory | None = None,
                   clock: Clock | None = None) -> list[Outcome]:
    """Finish occurrences whose sender died mid-send (lease run out), with the batches' own retry keys."""
    clock = clock_of(now, clock)
    outcomes = []
    for run_id, broadcast_id, run_at in stalled_runs(services, clock(), only):
        owner = new_owner()
        if take_over(services, run_id, clock(), owner):
            log.warning("resuming announcement %s occurrence %s left unfinished", broadcast_id, run_at)
            outcomes.append(Outcome(broadcast_id, run_at, _deliver(services, run_id, owner, clock, policy, progress),
                                    run_id))
    return outcomes


def run_due(services, now: datetime | None = None, *, only: int | None = None,
            policy: RetryPolicy | None = None, progress: ProgressFactory | None = None,
            clock: Clock | None = None) -> list[Outcome]:
    """Act on every scheduled announcement (or just `only`) as of `now` (default: the real time, read
    afresh at every step; `clock` for a time of the caller's own that moves)."""
    clock = clock_of(now, clock)
    grace = timedelta(seconds=services.settings.broadcast_misfire_grace_seconds)
    outcomes = resume_stalled(services, only=only, policy=policy, progress=progress, clock=clock)
    at = clock()  # what is due or missed is judged as of now; claims and sends read the clock afresh
    with services.db.session() as s:
        query = select(Broadcast).where(Broadcast.status == SCHEDULED)
        if only is not None:
            query = query.where(Broadcast.id == only)
        broadcasts = list(s.scalars(query.order_by(Broadcast.id)))
        last = dict(s.execute(select(BroadcastRun.broadcast_id, func.max(BroadcastRun.run_at))
                              .where(BroadcastRun.manual.is_(False),
                                     BroadcastRun.broadcast_id.in_([b.id for b in broadcasts]))
                              .group_by(BroadcastRun.broadcast_id)).all())
    for b in broadcasts:
        occurrence = due_occurrence(b, last.get(b.id), at)
        if occurrence is None:
            continue
        try:
            if at - occurrence > grace:
                if mark_missed(services, b.id, b.revision, occurrence, at, grace):
                    log.warning("announcement %s due %s was missed", b.id, show(occurrence))
                    outcomes.append(Outcome(b.id, occurrence, MISSED))
                continue
            owner = new_owner()
            run_id = claim(services, b.id, b.revision, occurrence, clock(), owner)
            if run_id is None:  # another scheduler has it, or staff changed it meanwhile
                continue
            outcomes.append(Outcome(b.id, occurrence, _deliver(services, run_id, owner, clock, policy, progress),
                                    run_id))
        except Exception:  # one announcement's trouble must not hold up the others; a claimed one resumes
            log.exception("announcement %s due %s could not be processed", b.id, show(occurrence))
            outcomes.append(Outcome(b.id, occurrence, "error"))
    return outcomes


def send_now(services, broadcast_id: int, now: datetime | None = None, *, policy: RetryPolicy | None = None,
             progress: ProgressFactory | None = None, resume: bool = False, clock: Clock | None = None) -> Outcome:
    """Send an announcement now instead of at its time (a recurring one: an extra occurrence now); for a
    failed one, send again what did not go; for one whose sender died, finish it. `resume` finishes a
    `sending` one even while its sender's lease holds (staff know the sender is gone)."""
    clock = clock_of(now, clock)
    at = clock()
    with services.db.session() as s:
        b = s.get(Broadcast, broadcast_id)
        if b is None:
            raise BroadcastNotFound(broadcast_id)
        last = s.scalars(select(BroadcastRun).where(BroadcastRun.broadcast_id == broadcast_id)
                         .order_by(BroadcastRun.id.desc()).limit(1)).first()
    owner = new_owner()
    if resume:
        with services.db.session() as s:
            stalled = s.scalars(select(BroadcastRun).where(BroadcastRun.broadcast_id == broadcast_id,
                                                           BroadcastRun.status == SENDING)
                                .order_by(BroadcastRun.id.desc()).limit(1)).first()
        if stalled is None or not take_over(services, stalled.id, at, owner, force=True):
            raise BroadcastStateError("ไม่มีรอบการส่งที่ค้างอยู่ให้ส่งต่อ (--resume ใช้กับประกาศที่กำลังส่งค้างอยู่เท่านั้น)")
        run_id, run_at = stalled.id, stalled.run_at
    elif b.status in (SCHEDULED, MISSED):
        run_id = claim(services, b.id, b.revision, at, at, owner, manual=True, from_status=(SCHEDULED, MISSED))
        if run_id is None:
            raise BroadcastStateError("ประกาศนี้เพิ่งถูกแก้ไขหรือกำลังถูกส่งโดยอีกกระบวนการหนึ่ง กรุณาตรวจสอบด้วย "
                                      "`broadcast list` แล้วลองใหม่")
        run_at = at
    elif b.status == FAILED:
        run_id = reopen_failed(services, b.id, at, owner)
        if run_id is None:
            raise BroadcastStateError("ไม่พบรอบการส่งที่ล้มเหลวให้ส่งซ้ำ")
        run_at = last.run_at
    elif b.status == SENDING and last is not None and last.status == SENDING:
        if not take_over(services, last.id, at, owner):
            raise BroadcastStateError(f"ประกาศนี้กำลังส่งอยู่ (เริ่มเมื่อ {show(last.claimed_at)}) กรุณารอให้เสร็จ "
                                      f"หรือหากแน่ใจว่าผู้ส่งหยุดไปแล้ว ใช้ `broadcast send-now --resume {b.id}`")
        run_id, run_at = last.id, last.run_at
    elif b.status == SENT:
        raise BroadcastStateError(f"ประกาศนี้ส่งไปแล้วเมื่อ {show(b.sent_at)} จึงไม่ส่งซ้ำ")
    elif b.status == CANCELLED:
        raise BroadcastStateError("ประกาศนี้ถูกยกเลิกแล้ว ส่งไม่ได้")
    else:
        raise BroadcastStateError(f"ประกาศนี้อยู่ในสถานะ {b.status} ส่งตอนนี้ไม่ได้")
    return Outcome(b.id, run_at, _deliver(services, run_id, owner, clock, policy, progress), run_id)


def run_record(services, run_id: int) -> tuple[BroadcastRun, list[BroadcastBatch]]:
    """An occurrence and its batches, as recorded."""
    with services.db.session() as s:
        return s.get(BroadcastRun, run_id), list(s.scalars(
            select(BroadcastBatch).where(BroadcastBatch.run_id == run_id)
            .order_by(BroadcastBatch.channel.desc(), BroadcastBatch.batch_no)))


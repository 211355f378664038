"""`python -m bot scheduler`: the separate clock process (Procfile `clock:`) that sends announcements on time.

Never started inside web workers: gunicorn runs several workers, and each would run every job. Here,
APScheduler 3 keeps one job per scheduled announcement in its SQLAlchemy job store in the app's database
(a date trigger, or a cron trigger in Asia/Bangkok), with `coalesce` (several periods missed while down
fire once) and `misfire_grace_time` (later than that, APScheduler reports the job missed instead). Both
outcomes go to `runner.run_due`, which claims the occurrence in the database before sending, or records
it as missed. A sync job mirrors the announcements table into the job store every BROADCAST_SYNC_SECONDS
(the command line only writes the table) and has occurrences whose sender died resumed.
"""
from __future__ import annotations

import logging
import signal
import time
import uuid
from datetime import datetime, timedelta

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from bot.complaints.overdue import add_overdue_job
from bot.livechat.idle import add_idle_job
from bot.retention_jobs import add_retention_jobs
from bot.thaitime import BANGKOK
from bot.storage import utcnow

from .claim import serve_as
from .leader import Leader
from .models import SCHEDULED, Broadcast
from .render import headline
from .claim import stalled_runs
from .runner import run_due
from .schedule import trigger_for

log = logging.getLogger(__name__)

JOB_PREFIX = "broadcast-"
SYNC_JOB, HEARTBEAT_JOB = "broadcasts-sync", "scheduler-heartbeat"

# What the jobs need at run time. APScheduler stores a job as a textual reference to a module-level
# function plus its arguments (the announcement id), so the process's services live here.
_runtime: dict = {}


def job_id(broadcast_id: int) -> str:
    return f"{JOB_PREFIX}{broadcast_id}"


def fire(broadcast_id: int, revision: int | None = None) -> None:
    """The job of one announcement: send its due occurrence (or record it missed). `revision` only tells
    the sync job whether the stored job still matches the announcement."""
    for outcome in run_due(_runtime["services"], only=broadcast_id):
        log.info("announcement %s occurrence %s: %s", outcome.broadcast_id, outcome.run_at, outcome.status)


def on_missed(event: JobExecutionEvent) -> None:
    """APScheduler skipped an announcement's run as later than the grace time: record it as missed, in
    the executor rather than in the scheduler's own thread."""
    if event.job_id.startswith(JOB_PREFIX):
        broadcast_id = int(event.job_id[len(JOB_PREFIX):])
        log.warning("announcement %s: its run at %s is later than the grace time", broadcast_id,
                    event.scheduled_run_time)
        _runtime["scheduler"].add_job(fire, args=[broadcast_id], id=f"missed-{broadcast_id}-{uuid.uuid4().hex[:8]}",
                                      jobstore="memory", misfire_grace_time=None)


def sync(services=None, scheduler: BaseScheduler | None = None) -> None:
    """Make the job store hold exactly one job per scheduled announcement, at its current revision."""
    services = services or _runtime["services"]
    scheduler = scheduler or _runtime["scheduler"]
    with services.db.session() as s:
        wanted = {job_id(b.id): b for b in s.scalars(select(Broadcast).where(Broadcast.status == SCHEDULED))}
    existing = {j.id: j for j in scheduler.get_jobs(jobstore="default") if j.id.startswith(JOB_PREFIX)}
    for jid in existing.keys() - wanted.keys():
        try:
            scheduler.remove_job(jid, jobstore="default")
            log.info("announcement %s is no longer scheduled; job removed", jid[len(JOB_PREFIX):])
        except JobLookupError:  # fired and removed meanwhile
            pass
    for jid, b in wanted.items():
        job = existing.get(jid)
        if job is not None and job.kwargs.get("revision") == b.revision:
            continue
        job = scheduler.add_job(fire, trigger_for(b.run_at, b.cron, b.schedule_from), args=[b.id],
                                kwargs={"revision": b.revision}, id=jid, name=headline(b)[:60], jobstore="default",
                                replace_existing=True)
        log.info("announcement %s (revision %s) scheduled: %s", b.id, b.revision, job.trigger)
    # Occurrences whose sender died: each finished by its own job, so a long send never holds up the sync.
    for broadcast_id in sorted({bid for _, bid, _ in stalled_runs(services, utcnow())}):
        scheduler.add_job(fire, args=[broadcast_id], id=f"resume-{broadcast_id}", jobstore="memory",
                          misfire_grace_time=None, replace_existing=True)


def build(services, scheduler_cls=BlockingScheduler, leader: Leader | None = None,
          sync_seconds: float | None = None) -> BaseScheduler:
    """A configured scheduler (not started) with the sync job, and the heartbeat when it holds a lease."""
    settings = services.settings
    scheduler = scheduler_cls(
        jobstores={"default": SQLAlchemyJobStore(engine=services.db.engine, tablename="apscheduler_jobs"),
                   "memory": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": settings.broadcast_misfire_grace_seconds},
        timezone=BANGKOK,
    )
    _runtime.update(services=services, scheduler=scheduler, leader=leader)
    scheduler.add_listener(on_missed, EVENT_JOB_MISSED)
    every = sync_seconds or max(1, settings.broadcast_sync_seconds)
    scheduler.add_job(sync, "interval", seconds=every, id=SYNC_JOB, jobstore="memory",
                      next_run_time=datetime.now(BANGKOK), misfire_grace_time=None)
    add_retention_jobs(scheduler, services)
    add_overdue_job(scheduler, services)
    add_idle_job(scheduler, services)
    if leader is not None:
        scheduler.add_job(heartbeat, "interval", seconds=leader.ttl.total_seconds() / 3, id=HEARTBEAT_JOB,
                          jobstore="memory", misfire_grace_time=None)
    return scheduler


def heartbeat() -> None:
    """Renew the lease; stop this scheduler once it has lost it, to another process or to a database
    outage longer than the lease (another scheduler may be active by then)."""
    leader, scheduler = _runtime["leader"], _runtime["scheduler"]
    try:
        kept = leader.renew()
    except Exception as exc:  # the database is down: keep running while the lease can still be ours
        if time.monotonic() - _runtime.get("renewed", time.monotonic()) < leader.ttl.total_seconds():
            log.error("scheduler lease not renewed (%s); trying again", type(exc).__name__)
            return
        log.error("scheduler lease lost to a database outage (%s); going back to standby", type(exc).__name__)
        kept = False
    if not kept:
        log.error("this scheduler no longer holds the lease; stopping it")
        scheduler.shutdown(wait=False)
        return
    _runtime["renewed"] = time.monotonic()


def _stop(signum, frame):
    raise SystemExit(0)


RETRY_SECONDS = 3.0  # after a failure of the scheduler itself (the database down at start, say)


def serve(services, lease_ttl: timedelta = timedelta(seconds=60), retry_seconds: float = RETRY_SECONDS,
          handle_signals: bool = True) -> int:
    """Wait to be the active scheduler, then run until stopped (SIGTERM/SIGINT). A scheduler that loses
    the lease goes back to standby, and a failure (the database down at start, say) is logged and tried
    again: the process never exits on a transient error. `handle_signals` is False in a thread of a
    process that handles its own (bot/in_process.py)."""
    if handle_signals:
        signal.signal(signal.SIGTERM, _stop)
    leader = Leader(services.db, ttl=lease_ttl)
    try:
        while True:
            try:
                _serve_once(services, leader)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as exc:
                log.error("scheduler failed (%s: %s); trying again in %.0f s", type(exc).__name__,
                          str(exc).splitlines()[0][:200] if str(exc) else "", retry_seconds)
                time.sleep(retry_seconds)
    except (KeyboardInterrupt, SystemExit):
        return 0


def _serve_once(services, leader: Leader) -> None:
    """Stand by until the lease is ours, then run the scheduler until it stops (lease lost)."""
    waiting = False
    while not leader.acquire():
        if not waiting:
            log.warning("another scheduler is active; waiting as a standby")
            waiting = True
        time.sleep(leader.ttl.total_seconds() / 3)
    log.info("scheduler %s active (misfire grace %s s, sync every %s s)", leader.owner,
             services.settings.broadcast_misfire_grace_seconds, services.settings.broadcast_sync_seconds)
    serve_as(leader.owner)  # occurrences claimed here are taken over as soon as this lease is lost
    _runtime["renewed"] = time.monotonic()
    scheduler = build(services, BlockingScheduler, leader)
    try:
        scheduler.start()  # returns when the heartbeat finds the lease lost
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)  # let sends in progress finish
        serve_as(None)
        try:
            leader.release()
        except Exception:  # the database is down; the lease simply runs out
            log.warning("scheduler lease not released; it runs out by itself")

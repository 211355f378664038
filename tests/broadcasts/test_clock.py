"""The scheduler process with APScheduler itself: jobs in the app's database, a one-off fired once, a
too-late one reported missed, cancelled and edited ones followed, a second process standing by. These
use short real intervals, as little as APScheduler allows."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from bot.broadcasts import service
from bot.broadcasts.clock import build, job_id
from bot.broadcasts.leader import Leader
from bot.broadcasts.models import SchedulerLease
from bot.thaitime import BANGKOK
from bot.broadcasts.validate import Draft
from bot.storage import utcnow

from .conftest import one_backend, sqlite_only

ROOT = Path(__file__).resolve().parents[2]
BROADCAST = r"/v2/bot/message/broadcast$"


def wait_until(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_apscheduler_fires_a_one_off_once_and_reports_a_late_one_missed(bsvc, line_api, caplog):
    scheduler = build(bsvc, BackgroundScheduler, sync_seconds=0.2)
    scheduler.start()
    try:
        soon = service.create(bsvc, Draft(text="ส่งจริง", run_at=utcnow() + timedelta(seconds=1), channels=["line"]))
        stale = service.create(bsvc, Draft(text="เก่าเกินไป", run_at=utcnow() - timedelta(hours=1), channels=["line"]),
                               now=utcnow() - timedelta(hours=2))
        weekly = service.create(bsvc, Draft(text="ทุกสัปดาห์", cron="0 9 * * 1", channels=["line"]))
        line_api.wait_for("POST", BROADCAST, timeout=10)
        assert wait_until(lambda: service.get(bsvc, soon.id).status == "sent")
        assert wait_until(lambda: service.get(bsvc, stale.id).status == "missed")
        assert f"announcement {stale.id}: its run at" in caplog.text  # APScheduler's misfire, not a send
        time.sleep(0.5)  # more sync rounds and wake-ups: still one request
        assert len(line_api.calls("POST", BROADCAST)) == 1
        assert scheduler.get_job(job_id(soon.id)) is None
        job = scheduler.get_job(job_id(weekly.id))
        assert job.next_run_time.astimezone(BANGKOK).strftime("%a %H:%M") == "Mon 09:00"
        assert job.coalesce is True and job.misfire_grace_time == bsvc.settings.broadcast_misfire_grace_seconds
        with bsvc.db.session() as s:  # persisted in the app's database
            assert s.scalar(text("SELECT count(*) FROM apscheduler_jobs")) == 1
        service.edit(bsvc, weekly.id, {"cron": "30 8 * * 5"})
        assert wait_until(lambda: scheduler.get_job(job_id(weekly.id)).kwargs["revision"] == 2)
        assert scheduler.get_job(job_id(weekly.id)).next_run_time.astimezone(BANGKOK).strftime("%a %H:%M") \
            == "Fri 08:30"
        service.cancel(bsvc, weekly.id)
        assert wait_until(lambda: scheduler.get_job(job_id(weekly.id)) is None)
    finally:
        scheduler.shutdown()


@sqlite_only
def test_a_scheduler_that_loses_its_lease_stops(bsvc):
    leader = Leader(bsvc.db, ttl=timedelta(seconds=0.6))
    assert leader.acquire()
    scheduler = build(bsvc, BackgroundScheduler, leader=leader, sync_seconds=5)
    scheduler.start()
    try:
        with bsvc.db.session() as s:  # another process takes over
            s.get(SchedulerLease, "scheduler").owner = "someone-else"
        assert wait_until(lambda: not scheduler.running, timeout=5)
    finally:
        if scheduler.running:
            scheduler.shutdown()


@one_backend
def test_two_scheduler_processes_one_active_one_standby(settings, bsvc, line_api):
    env = {**os.environ, "DATABASE_URL": settings.database_url, "CONTENT_DIR": str(settings.content_dir),
           "LINE_CHANNEL_SECRET": settings.line_channel_secret,
           "LINE_CHANNEL_ACCESS_TOKEN": settings.line_channel_access_token,
           "LINE_API_BASE_URL": settings.line_api_base_url, "BROADCAST_SYNC_SECONDS": "1",
           "PYTHAINLP_OFFLINE": "1"}
    b = service.create(bsvc, Draft(text="จากกระบวนการจริง", run_at=utcnow() + timedelta(seconds=2.5),
                                   channels=["line"]))
    clocks = [subprocess.Popen([sys.executable, "-m", "bot", "scheduler"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        line_api.wait_for("POST", BROADCAST, timeout=45)  # two processes starting on a busy machine take a while
        assert wait_until(lambda: service.get(bsvc, b.id).status == "sent")
        time.sleep(1)
        assert len(line_api.calls("POST", BROADCAST)) == 1
    finally:
        for clock in clocks:
            clock.send_signal(signal.SIGTERM)
        outputs = [clock.communicate(timeout=20) for clock in clocks]
    assert [clock.returncode for clock in clocks] == [0, 0], outputs
    assert sum("standby" in err for _, err in outputs) == 1, outputs

"""The two retention purges as daily jobs of the clock process, at the Thailand times in
content/complaints.yaml (`retention`): personal data of closed complaints, and the core's short-lived
rows (conversation states, seen event ids, delivered web messages; web-chat history after the state's TTL). Registered on the scheduler with one
call from bot/broadcasts/clock.py; the jobs live in memory, so only the active scheduler runs them."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger

from bot.thaitime import BANGKOK

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

PERSONAL_JOB, HOUSEKEEPING_JOB = "retention-personal-data", "retention-housekeeping"


def purge_personal(services: Services) -> None:
    from bot.complaints import content as cc
    from bot.complaints.purge import purge_personal_data

    days = cc.of(services).retention.personal_data_days
    p = purge_personal_data(services, timedelta(days=days))
    log.info("retention: personal data of %s complaint(s) closed over %s days ago removed (%s files, %s draft "
             "files, %s chat rows, %s followers)", p.complaints, days, p.files, p.draft_files, p.account_rows,
             p.followers)


def housekeeping(services: Services) -> None:
    from bot.channels import web_history
    from bot.complaints import content as cc
    from bot.housekeeping import purge

    days = cc.of(services).retention.housekeeping_days
    counts = purge(services.db, timedelta(days=days), history_ttl=web_history.ttl(services))
    log.info("retention: rows idle over %s days removed: %s", days,
             ", ".join(f"{k} {v}" for k, v in counts.items()))


def daily_at(hhmm: str) -> CronTrigger:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=BANGKOK)


def add_retention_jobs(scheduler, services: Services) -> None:
    from bot.complaints import content as cc

    r = cc.of(services).retention
    for job_id, func, at in ((PERSONAL_JOB, purge_personal, r.personal_data_at),
                             (HOUSEKEEPING_JOB, housekeeping, r.housekeeping_at)):
        scheduler.add_job(func, daily_at(at), args=[services], id=job_id, jobstore="memory",
                          misfire_grace_time=3600, coalesce=True, replace_existing=True)

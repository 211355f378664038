"""One active scheduler at a time, by a renewable lease row in the database.

APScheduler 3 does not support two running schedulers on one job store: both would fire the same jobs,
and one would fail removing a job the other already removed. A second `python -m bot scheduler` (a
deploy overlapping the old process, a scaled-up clock) therefore waits as a standby and takes over when
the active one stops renewing. Sending stays exactly-once even without this (see claim.py); the lease
keeps APScheduler itself within what it supports.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.storage import utcnow

from .claim import new_owner
from .models import SchedulerLease


@dataclass
class Leader:
    db: object
    name: str = "scheduler"
    ttl: timedelta = timedelta(seconds=60)
    owner: str = field(default_factory=new_owner)

    def acquire(self, now: datetime | None = None) -> bool:
        """Take the lease if it is free, expired or already ours."""
        now = now or utcnow()
        with self.db.session() as s:
            taken = s.execute(update(SchedulerLease)
                              .where(SchedulerLease.name == self.name,
                                     (SchedulerLease.owner == self.owner) | (SchedulerLease.expires_at < now))
                              .values(owner=self.owner, expires_at=now + self.ttl, acquired_at=now)
                              .execution_options(synchronize_session=False))
            if taken.rowcount == 1:
                return True
        try:
            with self.db.session() as s:
                s.add(SchedulerLease(name=self.name, owner=self.owner, expires_at=now + self.ttl, acquired_at=now))
            return True
        except IntegrityError:
            return False

    def renew(self, now: datetime | None = None) -> bool:
        """Keep the lease; False if another scheduler has taken it (we must stop)."""
        now = now or utcnow()
        with self.db.session() as s:
            kept = s.execute(update(SchedulerLease)
                             .where(SchedulerLease.name == self.name, SchedulerLease.owner == self.owner)
                             .values(expires_at=now + self.ttl).execution_options(synchronize_session=False))
            return kept.rowcount == 1

    def release(self, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self.db.session() as s:
            s.execute(update(SchedulerLease)
                      .where(SchedulerLease.name == self.name, SchedulerLease.owner == self.owner)
                      .values(expires_at=now).execution_options(synchronize_session=False))

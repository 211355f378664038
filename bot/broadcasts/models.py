"""Tables of the broadcasts feature.

An announcement (`Broadcast`) is sent in occurrences (`BroadcastRun`: one for a one-off announcement, one
per period for a recurring one); each occurrence is split into delivery batches (`BroadcastBatch`: one LINE
broadcast call, one LINE multicast of at most 500 people, or a group of Messenger recipients). The unique
(broadcast_id, run_at) occurrence row is the claim that makes a send happen once, and each batch keeps the
LINE retry key it was first tried with.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, LargeBinary, String, Table, Text, Unicode
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage import Base, utcnow

# Announcement status; a recurring announcement stays `scheduled` until cancelled.
SCHEDULED, SENDING, SENT, CANCELLED, FAILED, MISSED = "scheduled", "sending", "sent", "cancelled", "failed", "missed"
STATUSES = (SCHEDULED, SENDING, SENT, CANCELLED, FAILED, MISSED)
# Batch status
PENDING = "pending"


class Broadcast(Base):
    """An announcement as staff wrote it, with when it goes: `run_at` (one-off) or `cron` (recurring,
    counted from `schedule_from`, the moment the recurrence was set)."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    link_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    channels: Mapped[list] = mapped_column(JSON, default=list)
    segment: Mapped[str | None] = mapped_column(String(64), default=None)
    run_at: Mapped[datetime | None] = mapped_column(default=None)
    cron: Mapped[str | None] = mapped_column(String(100), default=None)
    schedule_from: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=SCHEDULED, index=True)
    revision: Mapped[int] = mapped_column(default=1)  # bumped by every edit, so the scheduler re-reads it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_run_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def recurring(self) -> bool:
        return bool(self.cron)


class BroadcastRun(Base):
    """One occurrence of an announcement. Inserted before anything is sent; a second scheduler inserting
    the same (broadcast_id, run_at) fails on the unique constraint and sends nothing. While `sending`, the
    `owner` holds it until `lease_until`; a process that died leaves the lease to expire and another one
    resumes the unsent batches."""

    __tablename__ = "broadcast_run"
    __table_args__ = (UniqueConstraint("broadcast_id", "run_at"), Index("ix_broadcast_run_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    run_at: Mapped[datetime]
    manual: Mapped[bool] = mapped_column(default=False)  # started by `send-now`
    status: Mapped[str] = mapped_column(String(16), default=SENDING)
    owner: Mapped[str | None] = mapped_column(String(128), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # rendered messages per channel, as sent
    note: Mapped[str | None] = mapped_column(Text, default=None)  # e.g. a channel with nobody to reach
    error: Mapped[str | None] = mapped_column(Text, default=None)


class BroadcastBatch(Base):
    """One request's worth of recipients (LINE) or a group of Messenger recipients, planned with the
    occurrence so a resumed send covers the same people with the same retry key."""

    __tablename__ = "broadcast_batch"
    __table_args__ = (UniqueConstraint("run_id", "channel", "batch_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("broadcast_run.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    batch_no: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # broadcast | multicast | messenger
    recipients: Mapped[list] = mapped_column(JSON, default=list)  # empty for a LINE broadcast (all friends)
    recipient_count: Mapped[int] = mapped_column(default=0)
    retry_key: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_count: Mapped[int] = mapped_column(default=0)  # Messenger: recipients done, in order
    failed_count: Mapped[int] = mapped_column(default=0)  # Messenger: recipients the platform refused
    error: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class SchedulerLease(Base):
    """Which scheduler process is the active one; others wait. APScheduler 3 cannot share one job store
    between running schedulers (each would fire, update and remove the same jobs)."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)


# APScheduler's SQLAlchemyJobStore table, declared here exactly as the job store defines it so that Alembic
# creates it with the other tables and `alembic check` knows it; the job store then finds it in place.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class BroadcastImage(Base):
    """A picture staff uploaded for an announcement, cleaned as evidence is (no EXIF), kept in the database
    so every instance serves it at /media/announcements/<token>.<ext> for LINE and Messenger to fetch."""

    __tablename__ = "broadcast_image"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    mime: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

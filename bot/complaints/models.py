"""Tables of the complaints feature.

The reporter's platform account is kept only as a keyed hash (`ComplaintReporter`, for the owner check)
and sealed (`ComplaintContact`, opened by the notifier alone); every view staff get (alerts, CLI,
console) is built from the other tables, so an anonymous report cannot leak who sent it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage import Base, utcnow


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # The chat draft it was filed from: a second "confirm" of the same draft finds this and files nothing.
    draft_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)
    category: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    anonymous: Mapped[bool] = mapped_column(default=True)
    channel: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(Text)
    location: Mapped[dict | None] = mapped_column(JSON, default=None)
    # Only for a named complaint, with consent; removed by purge-personal-data.
    reporter_name: Mapped[str | None] = mapped_column(String(200), default=None)
    reporter_phone: Mapped[str | None] = mapped_column(String(32), default=None)
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    purged_at: Mapped[datetime | None] = mapped_column(default=None)
    # The console user working on it (staff assign it in the console).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("console_user.id", ondelete="SET NULL"),
                                                    default=None, index=True)
    # The unit handling it when staff forwarded it within the office (None: its category's unit)
    unit: Mapped[str | None] = mapped_column(String(32), default=None)
    # Sent to another agency: its name and where the reporter can follow it up
    forwarded_agency: Mapped[str | None] = mapped_column(String(200), default=None)
    forwarded_contact: Mapped[str | None] = mapped_column(String(300), default=None)
    # The reporter's answer to the resolution: a rating 1-5 with an optional comment, and how often they
    # said it was not solved (each time it was reopened)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    rating_comment: Mapped[str | None] = mapped_column(Text, default=None)
    rated_at: Mapped[datetime | None] = mapped_column(default=None)
    reopened: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="all, delete-orphan")
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="complaint", order_by="Evidence.id", cascade="all, delete-orphan")

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class ComplaintEvent(Base):
    """One step of a complaint's history (filed, each status change with its note), shown to the reporter."""

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # A photo of the result staff attached (under EVIDENCE_DIR, cleaned like evidence) and the unguessable
    # name it is served under to the reporter's channel; both emptied when personal data is purged
    photo_path: Mapped[str | None] = mapped_column(String(255), default=None)
    photo_token: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class Evidence(Base):
    """A file sent with a complaint, stored under EVIDENCE_DIR; `path` is emptied when it is purged.

    Rows are written as files arrive, under the chat draft's key, and attached to the complaint when it is
    filed: photos sent together arrive as concurrent webhooks, and rows (unlike a list in the
    conversation state) cannot overwrite each other."""

    __tablename__ = "complaint_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True,
                                                     default=None)
    draft_key: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    kind: Mapped[str] = mapped_column(String(16))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(255), default=None)
    # Video and audio are stored as sent: staff are told the file may still carry metadata (place, device)
    may_carry_metadata: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint | None] = relationship(back_populates="evidence")


class ComplaintReporter(Base):
    """Who filed a complaint, as a keyed hash of channel and platform id (reporter_keys.account_hash):
    the owner check of tracking, the reporter's list of codes and the daily limit compare hashes, so the
    table names nobody."""

    __tablename__ = "complaint_reporter"
    __table_args__ = (Index("ix_complaint_reporter_account", "account_hash", "created_at"),)

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True)
    account_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ComplaintContact(Base):
    """Where to send the reporter's status notices: the channel and the sealed platform id
    (reporter_keys.seal), opened only by the notifier at send time."""

    __tablename__ = "complaint_contact"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[str] = mapped_column(Text)


class CodeGuess(Base):
    """Wrong tracking codes tried by one client (a chat account, a web session, a web client's address),
    known only by a keyed hash of it; at the limit its code look-ups are refused for a while (guesses.py)."""

    __tablename__ = "code_guess"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    wrong: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(default=None)

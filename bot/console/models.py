"""Tables of the staff console: people with roles, their server-side sessions, failed sign-ins (lock-out),
the append-only audit log and internal notes on complaints."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage import Base, utcnow

from . import append_only

ROLES = ("admin", "staff", "integrity", "editor")  # editor: content only, never a complaint


class ConsoleUser(Base):
    """A person who signs in to the console. `session_version` grows on sign-out-everywhere, disable and
    password reset, so every session issued before ends at once."""

    __tablename__ = "console_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)


class ConsoleSession(Base):
    """One signed-in browser. The cookie holds only `id`; idle time and the user's version are checked
    on every request, so sign-out and `users disable` take effect immediately."""

    __tablename__ = "console_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_user.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class SignInFailure(Base):
    """A wrong password, per account name and per client address, for the 15-minute lock-out."""

    __tablename__ = "console_sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_user", "username", "at"),
                      Index("ix_sign_in_failure_address", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what and when. Append-only: the ORM refuses to change or delete a row, and so does the
    database (triggers: see append_only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str | None] = mapped_column(String(64), default=None)
    action: Mapped[str] = mapped_column(String(32), index=True)
    complaint_code: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    detail: Mapped[str | None] = mapped_column(Text, default=None)


class ComplaintNote(Base):
    """A note staff keep for each other on a complaint; never sent to the reporter."""

    __tablename__ = "complaint_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _append_only(mapper, connection, target) -> None:
    raise PermissionError("the audit log is append-only")


event.listen(AuditEntry, "before_update", _append_only)
event.listen(AuditEntry, "before_delete", _append_only)
append_only.guard(AuditEntry.__table__)

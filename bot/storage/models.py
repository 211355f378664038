"""Tables of the conversation core: per-user state, handled webhook events, followers and chat groups."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, utcnow


class ConversationState(Base):
    """Where a user is in a multi-step flow; kept in the database so it survives restarts and is shared
    by every web worker."""

    __tablename__ = "conversation_state"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # set by StateStore (tests pass their clock)


class ProcessedEvent(Base):
    """A platform event id seen once; a redelivered webhook finds its id here and is not handled twice.

    `answered_at` is set in the transaction that saved the event's turn (the claim itself, written with the
    answer), so a redelivery is answered from the outbox row holding the answer, found by its event; an
    answer stored outside a turn names its row in `answer_id` (see bot/channels/answers.py)."""

    __tablename__ = "processed_event"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answer_id: Mapped[int | None] = mapped_column(default=None)  # outbox_message.id (no FK: purged apart)


class Follower(Base):
    """Someone who follows the office's account, for announcements (LINE follow / Messenger contact)."""

    __tablename__ = "follower"
    __table_args__ = (UniqueConstraint("channel", "user_id"), Index("ix_follower_active", "channel", "active"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)
    segment: Mapped[str | None] = mapped_column(String(64), default=None)
    followed_at: Mapped[datetime] = mapped_column(default=utcnow)
    unfollowed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_message_at: Mapped[datetime | None] = mapped_column(default=None)


class ChatGroup(Base):
    """A LINE group or room the bot has joined; staff groups are picked from these for alerts."""

    __tablename__ = "chat_group"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    group_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="group")
    active: Mapped[bool] = mapped_column(default=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(default=None)

"""Tables of the live chat: a conversation handed to a person, and each message of it (kept for the
office's Q&A statistics)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage import Base, utcnow

WAITING, HELD, CLOSED = "waiting", "held", "closed"


class LiveChat(Base):
    __tablename__ = "live_chat"
    __table_args__ = (Index("ix_live_chat_user", "channel", "user_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default=WAITING, index=True)
    staff: Mapped[str | None] = mapped_column(String(64), default=None)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    taken_at: Mapped[datetime | None] = mapped_column(default=None)
    first_answer_at: Mapped[datetime | None] = mapped_column(default=None)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    out_of_hours: Mapped[bool] = mapped_column(default=False)

    messages: Mapped[list["LiveChatMessage"]] = relationship(order_by="LiveChatMessage.id",
                                                             cascade="all, delete-orphan")


class LiveChatMessage(Base):
    __tablename__ = "live_chat_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("live_chat.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(16))  # citizen | staff
    staff: Mapped[str | None] = mapped_column(String(64), default=None)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # LINE's markAsReadToken of the citizen's message: staff opening the chat mark it (and all before) read
    read_token: Mapped[str | None] = mapped_column(String(512), default=None)


class BotAnswerCount(Base):
    """How many questions the bot answered per Thailand day and channel (no text, no user): the bot's
    half of the two-way Q&A statistics."""

    __tablename__ = "bot_answer_count"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)

"""The feedback table: one row a rating, its comment added to the same row if one is given."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage import Base, utcnow


class Feedback(Base):
    """A satisfaction rating (1–5) with an optional comment; no user id, like an EIT answer."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(16), default=None)  # praise | suggestion | comment
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    channel: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(64), default=None)  # what was rated: an intent, a code
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

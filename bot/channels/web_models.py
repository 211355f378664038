"""Tables of the web chat: pending messages pushed later, and the visible history of a session."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage import Base, utcnow


class WebInboxMessage(Base):
    __tablename__ = "web_inbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class WebChatEntry(Base):
    """One line of a web-chat session's visible history (a visitor's message or one rendered reply), so a
    reload shows the conversation again. Kept only while the session's conversation is alive (the state
    TTL) and capped per visitor; `web_history` deletes expired entries."""

    __tablename__ = "web_chat_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    role: Mapped[str] = mapped_column(String(8))  # "user" or "bot"
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

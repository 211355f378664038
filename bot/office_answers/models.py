"""Tables of what the office teaches its bot: its own answers (with their phrasings), the questions the
bot could not answer (masked text only, grouped), ITA years added after the content files, and the
revision counters that tell every running process to reload them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.db import Base, utcnow


class OfficeRevision(Base):
    """One counter per topic ("answers", "ita"), raised by every change; processes compare it to reload."""

    __tablename__ = "office_revision"

    topic: Mapped[str] = mapped_column(String(16), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class OfficeAnswer(Base):
    """An answer written by staff, published as soon as it is stored."""

    __tablename__ = "office_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="", server_default="")  # a page or picture to open
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficeAnswerExample(Base):
    """Another way people ask the answer's question (masked like every stored question)."""

    __tablename__ = "office_answer_example"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("office_answer.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)


class UnansweredGroup(Base):
    """Similar questions the bot could not answer: open until staff answer, attach or dismiss them."""

    __tablename__ = "unanswered_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text)  # the normalised text new questions are compared with
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open, answered, dismissed
    answer_id: Mapped[int | None] = mapped_column(default=None)  # office_answer.id once answered
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnansweredQuestion(Base):
    """One time a question went unanswered: its masked text and when, nothing about who asked."""

    __tablename__ = "unanswered_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None until grouped: the conversation only inserts the question, and staff's list groups what is new.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("unanswered_group.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ItaYear(Base):
    """An ITA year added by `python -m bot ita add-year`, in the shape of a content/ita/YEAR.yaml file."""

    __tablename__ = "ita_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentRevision(Base):
    """One change staff made to a content document (`office`, `holidays`, `news`, `procedures/ID`,
    `ita/YEAR`, `answers/ID`), in the shape of its content/ file. The effective content is content/ with
    the latest published revision of each document laid over it (bot/content_edits)."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(120), index=True)
    body: Mapped[dict | None] = mapped_column(JSON)  # None: the document removed
    before: Mapped[dict | None] = mapped_column(JSON, default=None)  # what was in use when it was published
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)  # draft, published, reverted
    author: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    reverted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    reverted_at: Mapped[datetime | None] = mapped_column(default=None)

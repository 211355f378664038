"""Each process's copy of the office's answers and ITA years, reloaded when a revision counter in the
database moved: looked at no more often than every CHECK_EVERY seconds, so a staff answer is in use in
every process within seconds, without a restart, for one small query."""
from __future__ import annotations

import dataclasses
import threading
import time
from typing import TYPE_CHECKING

from . import ita_years, revision, store
from .similarity import Match, Matcher

if TYPE_CHECKING:
    from bot.services import Services

CHECK_EVERY = 5.0


@dataclasses.dataclass(frozen=True)
class Answer:
    id: int
    question: str
    text: str


class Live:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.files = services.content  # content/ as loaded: the stored ITA years are laid over its ita
        self.check_every = CHECK_EVERY
        self.answers: dict[int, Answer] = {}
        self.matcher = Matcher([], [])
        self._seen: dict[str, int] = {}
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def refresh(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._checked < self.check_every:
            return
        with self._lock:
            if not force and time.monotonic() - self._checked < self.check_every:
                return
            with self.services.db.engine.connect() as conn:
                now = revision.current(conn)
                if now.get(revision.ANSWERS) != self._seen.get(revision.ANSWERS):
                    self._load_answers(conn)
                if now.get(revision.ITA) != self._seen.get(revision.ITA):
                    ita = ita_years.overlay(self.files.ita, ita_years.stored(conn))
                    self.services.content = dataclasses.replace(self.files, ita=ita)
            self._seen, self._checked = now, time.monotonic()

    def _load_answers(self, conn) -> None:
        texts, labels, answers = [], [], {}
        for answer_id, question, text, examples in store.answers(conn):
            answers[answer_id] = Answer(answer_id, question, text)
            for wording in [question, *examples]:
                texts.append(wording)
                labels.append(answer_id)
        self.matcher, self.answers = Matcher(texts, labels), answers

    def best(self, text: str) -> tuple[Answer, Match] | None:
        match = self.matcher.best(text)
        return (self.answers[match.label], match) if match else None


def of(services: Services) -> Live:
    """The process's live copy (made on first use, loaded at once)."""
    if services.office_answers is None:
        live = Live(services)
        live.refresh(force=True)
        services.office_answers = live
    return services.office_answers

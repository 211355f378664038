"""Each process's copy of the office's answers, ITA years and the content documents staff changed (laid
over content/, bot/content_edits), reloaded when a revision counter in the database moved: looked at no
more often than every CHECK_EVERY seconds, so a change is in use in every process within seconds, without
a restart, for one small query."""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import TYPE_CHECKING

from bot.content_edits.published import CONTENT
from bot.core.lazy import built_once

from . import ita_years, revision, store
from .similarity import Match, Matcher

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
CHECK_EVERY = 5.0


@dataclasses.dataclass(frozen=True)
class Answer:
    id: int
    question: str
    text: str
    link: str = ""

    @property
    def reply(self) -> str:
        return f"{self.text}\n{self.link}" if self.link else self.text


class Live:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.seed = services.content.directory
        self.edited = services.content  # the seed with staff's published documents laid over it
        self.check_every = CHECK_EVERY
        self.answers: dict[int, Answer] = {}
        self.matcher = Matcher([], [])
        self.wordings: list[str] = []  # the matcher's texts, row by row
        self._seen: dict[str, int] = {}
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self.relearning: threading.Thread | None = None  # an understander being built for new manuals

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
                content_moved = now.get(CONTENT) != self._seen.get(CONTENT)
                if content_moved or now.get(revision.ITA) != self._seen.get(revision.ITA):
                    self._load_content(conn, content_moved)
            self._seen, self._checked = now, time.monotonic()

    def _load_content(self, conn, content_moved: bool) -> None:
        """content/ with what staff published laid over it, then the ITA years added on the command line;
        what features built from the old files (holidays, complaint units) is built again on first use."""
        from bot.content import ContentError
        from bot.content_edits import effective, published

        try:
            files = effective.load(self.seed, published.overlay(conn)) if content_moved else self.edited
        except ContentError:  # checked before publishing; should the seed have changed under it, keep serving
            log.exception("the published content does not load; the previous content stays in use")
            files, content_moved = self.edited, False
        manuals_moved = content_moved and _manuals(files) != _manuals(self.edited)
        self.edited = files
        ita = ita_years.overlay(files.ita, ita_years.stored(conn))
        self.services.content = dataclasses.replace(files, ita=ita)
        if content_moved:
            self.services.holidays = self.services.complaints_content = self.services.livechat_content = None
        if manuals_moved:
            self._relearn(files)

    def _relearn(self, files) -> None:
        """A manual added, removed or worded anew changes what understanding finds (its titles, keywords and
        situations): an understander is built from the content in use, in a thread of its own (training
        may take seconds), and takes over when ready; until then the previous one answers."""
        from bot.nlu import Understander
        from bot.services import build_understander

        if not isinstance(self.services.understander, Understander):
            return  # a process without understanding (tests of other parts)

        def build() -> None:
            try:
                self.services.understander = build_understander(files)
            except Exception:
                log.exception("the manuals staff published could not be learned; the previous ones stay in use")

        self.relearning = threading.Thread(target=build, name="relearn-manuals", daemon=True)
        self.relearning.start()

    def _load_answers(self, conn) -> None:
        texts, labels, answers = [], [], {}
        for answer_id, question, text, examples, link in store.answers(conn):
            answers[answer_id] = Answer(answer_id, question, text, link)
            for wording in [question, *examples]:
                texts.append(wording)
                labels.append(answer_id)
        self.matcher, self.answers, self.wordings = Matcher(texts, labels), answers, texts

    def best(self, text: str) -> tuple[Answer, Match] | None:
        match = self.matcher.best(text)
        return (self.answers[match.label], match) if match else None


def of(services: Services) -> Live:
    """The process's live copy (made on first use, loaded at once)."""
    def load() -> Live:
        live = Live(services)
        live.refresh(force=True)
        return live

    return built_once(services, "office_answers", load)


def _manuals(content) -> list[tuple]:
    """What understanding takes from the manuals."""
    return [(p.id, p.title, p.short_title, p.title_en, tuple(p.keywords), tuple(p.situations))
            for p in getattr(content, "procedures", ())]

"""Answers from the office's report: its passages (content/report/) and a search over them.

    kb = knowledge.of(services)          # loaded and indexed on first use, kept in the services
    hit = kb.search("ตัวชี้วัดที่ 8 ทำอะไรไปแล้วบ้าง", indicator=8)
    hit.passage.id, kb.source_line(hit.passage)

The search answers only above a threshold (content/report/report.yaml); below it the caller says it does
not know and how to reach the office. Nothing here names an office: its report is content.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from bot.core.lazy import built_once

from .content import Passage, Report, load_report
from .index import Analyzer, Retriever

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["Hit", "Knowledge", "Passage", "of"]

SIBLING_RATIO = 0.9
SEARCH_CACHE = 2048  # distinct searches remembered per process


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    siblings: tuple[Passage, ...] = ()
    """Passages of the same kind and section scoring almost as well (the best included): "ใครรับผิดชอบ"
    without an indicator is answered for every indicator of the table, not for whichever scored first."""

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.siblings or (self.passage,)


def _head(report: Report, p: Passage) -> str:
    """What a passage is about: its title, its place in the report, and how people ask for it."""
    return " ".join([p.title, p.section, p.where, *p.asks, *report.meta.kinds.get(p.kind, [])])


def _document(report: Report, p: Passage) -> str:
    return " ".join([_head(report, p), p.text, *p.items])


class Knowledge:
    def __init__(self, report: Report, tokenize: Callable[[str], list[str]], prepare: Callable[[str], str]):
        self.report = report
        self.passages = report.passages
        self.by_id = {p.id: p for p in self.passages}
        self.settings = report.meta.retrieval
        self.prepare = prepare
        analyzer = Analyzer(tokenize, self.settings.char_ngrams, {prepare(w) for w in self.settings.stopwords})
        # Two views of each passage, so a long passage (six measures) is not diluted against a short one
        # that merely repeats the question's words: what it is about, and everything it says.
        self.heads = Retriever([prepare(_head(report, p)) for p in self.passages], analyzer, self.settings.word_weight)
        self.retriever = Retriever([prepare(_document(report, p)) for p in self.passages], analyzer,
                                   self.settings.word_weight)
        # A search is a pure function of its arguments and the content (Hit is frozen): repeated questions
        # ("ใครรับผิดชอบ", the fallback's try for the same message) are remembered, bounded.
        self._search = lru_cache(maxsize=SEARCH_CACHE)(self._search_uncached)

    def scores(self, text: str, indicator: int | None = None):
        """Similarity with every passage; a named indicator favours passages about it."""
        prepared = self.prepare(text)
        w = self.settings.head_weight
        scores = w * self.heads.scores(prepared) + (1 - w) * self.retriever.scores(prepared)
        if indicator is not None:
            for i, p in enumerate(self.passages):
                if p.indicator == indicator:
                    scores[i] *= self.settings.same_indicator
                elif p.indicator is not None:
                    scores[i] *= self.settings.other_indicator
        return scores

    def ranked(self, text: str, indicator: int | None = None) -> list[Hit]:
        """Every passage with its score, best first (for evaluation and tests)."""
        scores = self.scores(text, indicator)
        order = scores.argsort()[::-1]
        return [Hit(self.passages[i], float(scores[i])) for i in order]

    def search(self, text: str, indicator: int | None = None, threshold: float | None = None) -> Hit | None:
        """The best passage if it clears the threshold (report.yaml's, unless given)."""
        return self._search(text, indicator, threshold)

    def _search_uncached(self, text: str, indicator: int | None, threshold: float | None) -> Hit | None:
        if threshold is None:
            threshold = self.settings.threshold
        scores = self.scores(text, indicator)
        best = int(scores.argmax())
        if scores[best] < threshold:
            return None
        top = self.passages[best]
        siblings = () if top.indicator is None else tuple(
            p for i, p in enumerate(self.passages) if p.kind == top.kind and p.section == top.section
            and scores[i] >= SIBLING_RATIO * scores[best])
        return Hit(top, float(scores[best]), siblings if len(siblings) > 1 else ())

    def source_line(self, passage: Passage) -> str:
        return self.report.source_line(passage)

    def text(self, key: str, lang: str = "th") -> str:
        return self.report.text(key, lang)


def build(services: Services) -> Knowledge | None:
    from bot.nlu import tokenize

    report = load_report(services.content.directory, services.content.ita)
    if report is None:
        return None
    normalize = getattr(services.understander, "normalize", None)
    return Knowledge(report, tokenize, normalize if callable(normalize) else str.lower)


def of(services: Services) -> Knowledge | None:
    """The office's knowledge, built on first use and kept in the services (None without content/report/,
    which is looked for again, a file check, until it is there)."""
    return built_once(services, "knowledge", lambda: build(services))

"""Answers from the office's report: its passages (content/report/) and a search over them.

    kb = knowledge.of(services)          # loaded and indexed on first use, kept in services.extra
    hit = kb.search("ตัวชี้วัดที่ 8 ทำอะไรไปแล้วบ้าง", indicator=8)
    hit.passage.id, kb.source_line(hit.passage)

The search answers only above a threshold (content/report/report.yaml); below it the caller says it does
not know and how to reach the office. Nothing here names an office: its report is content.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .content import Passage, Report, load_report
from .index import Analyzer, Retriever

__all__ = ["Hit", "Knowledge", "Passage", "of"]

CACHE_KEY = "knowledge"


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def _document(report: Report, p: Passage) -> str:
    """What the search sees of a passage: its words, its place in the report, and how people ask for it."""
    hints = report.meta.kinds.get(p.kind, [])
    return " ".join([p.title, p.text, *p.items, p.section, p.where, *p.asks, *hints])


class Knowledge:
    def __init__(self, report: Report, tokenize: Callable[[str], list[str]], prepare: Callable[[str], str]):
        self.report = report
        self.passages = report.passages
        self.by_id = {p.id: p for p in self.passages}
        self.settings = report.meta.retrieval
        self.prepare = prepare
        analyzer = Analyzer(tokenize, self.settings.char_ngrams, {prepare(w) for w in self.settings.stopwords})
        self.retriever = Retriever([prepare(_document(report, p)) for p in self.passages], analyzer,
                                   self.settings.word_weight)

    def scores(self, text: str, indicator: int | None = None):
        """Similarity with every passage; a named indicator favours passages about it."""
        scores = self.retriever.scores(self.prepare(text))
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

    def search(self, text: str, indicator: int | None = None, asked: bool = False) -> Hit | None:
        """The best passage if it clears the threshold; `asked` (a knowledge intent) uses the lower one."""
        threshold = self.settings.threshold
        if asked and self.settings.intent_threshold is not None:
            threshold = self.settings.intent_threshold
        scores = self.scores(text, indicator)
        best = int(scores.argmax())
        return Hit(self.passages[best], float(scores[best])) if scores[best] >= threshold else None

    def source_line(self, passage: Passage) -> str:
        return self.report.source_line(passage)

    def text(self, key: str, lang: str = "th") -> str:
        return self.report.text(key, lang)


def build(services) -> Knowledge | None:
    from bot.nlu import tokenize

    report = load_report(services.content.directory, services.content.ita)
    if report is None:
        return None
    normalize = getattr(services.understander, "normalize", None)
    return Knowledge(report, tokenize, normalize if callable(normalize) else str.lower)


def of(services) -> Knowledge | None:
    """The office's knowledge, built on first use and kept in `services.extra` (None without content/report/)."""
    if CACHE_KEY not in services.extra:
        services.extra[CACHE_KEY] = build(services)
    return services.extra[CACHE_KEY]

"""Which service manual a message is about when it names none of the manual's keywords exactly: a keyword
typed with a one-letter slip ("ใบรับรองเงินเดิอน") or the person's situation in the manual's `situations`
("ธนาคาร กู้", "ย้าย คู่สมรส": every word present, in any order, each exactly or with one slip).

A slip is one letter changed, added or dropped in a word of six letters or more; letter pairs rule out
most words first (a slip leaves all but at most two of a word's pairs in the message), so the exact
check runs on few.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

FUZZY_FROM = 6  # letters; shorter words must be typed exactly ("ย้าย" is too short to guess at)
MAX_MISSING_PAIRS = 2


def pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class _Phrase:
    procedure: str
    words: tuple[str, ...]
    word_pairs: tuple[frozenset[str], ...]

    @property
    def weight(self) -> int:
        return sum(len(w) for w in self.words)


class ProcedureFinder:
    def __init__(self, phrases: Iterable[tuple[str, str]], prepare: Callable[[str], str]) -> None:
        """`phrases`: (phrase, procedure id); a space in a phrase separates words that may come in any order."""
        self._phrases = []
        for phrase, procedure in phrases:
            words = tuple(w for w in (prepare(part).replace(" ", "") for part in prepare(phrase).split()) if w)
            if words:
                self._phrases.append(_Phrase(procedure, words, tuple(frozenset(pairs(w)) for w in words)))

    def find(self, squeezed: str) -> str | None:
        """The manual whose phrase covers most letters of the message (spaces removed), or None."""
        present = pairs(squeezed)
        best: tuple[int, str] | None = None
        for phrase in self._phrases:
            if all(self._has(word, wp, squeezed, present) for word, wp in zip(phrase.words, phrase.word_pairs)):
                if best is None or phrase.weight > best[0]:
                    best = (phrase.weight, phrase.procedure)
        return best[1] if best else None

    @staticmethod
    def _has(word: str, word_pairs: frozenset[str], squeezed: str, present: set[str]) -> bool:
        if word in squeezed:
            return True
        if len(word) < FUZZY_FROM or len(word_pairs - present) > MAX_MISSING_PAIRS:
            return False
        n = len(word)
        return any(within_one(word, squeezed[start:start + size])
                   for size in (n - 1, n, n + 1) for start in range(len(squeezed) - size + 1))


def within_one(a: str, b: str) -> bool:
    """Whether b is a with at most one letter changed, added or dropped."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i + 1:] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1:]

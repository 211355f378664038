"""Which service manual a message is about when it names none of the manual's keywords exactly: a keyword
typed with a one-letter slip ("ใบรับรองเงินเดิอน") or the person's situation in the manual's `situations`
("ธนาคาร กู้", "ย้าย คู่สมรส": every word present, in any order, each exactly or with one slip; a word
may be alternatives, "ญี่ปุ่น|เกาหลี ลา|เที่ยว").

A slip is one letter changed, added or dropped in a word of six letters or more. Letter pairs find the
few words that could be there (a slip leaves all but at most two of a word's pairs in the message), through
an index from each pair to the words holding it, so a message costs a pass over its own pairs, not one
over every word of every manual; only those few are checked letter by letter.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable, Iterable

FUZZY_FROM = 6  # letters; shorter words must be typed exactly ("ย้าย" is too short to guess at)
MAX_MISSING_PAIRS = 2


def pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


class ProcedureFinder:
    def __init__(self, phrases: Iterable[tuple[str, str]], prepare: Callable[[str], str]) -> None:
        """`phrases`: (phrase, procedure id); a space separates words that may come in any order, "|"
        alternatives for one word."""
        # A phrase is slots that must all be present; a slot is one word or alternatives ("ญี่ปุ่น|เกาหลี").
        self._phrases: list[tuple[tuple[tuple[str, ...], ...], str, int]] = []
        for phrase, procedure in phrases:
            slots = tuple(tuple(dict.fromkeys(a for a in (prepare(x).replace(" ", "") for x in part.split("|")) if a))
                          for part in phrase.split())
            slots = tuple(slot for slot in slots if slot)
            if slots:
                self._phrases.append((slots, procedure, sum(min(len(a) for a in slot) for slot in slots)))
        self._phrases_with: dict[str, list[int]] = defaultdict(list)  # word -> the phrases that hold it
        for index, (slots, _, _) in enumerate(self._phrases):
            for slot in slots:
                for word in slot:
                    self._phrases_with[word].append(index)
        self._pairs_of = {w: pairs(w) for w in self._phrases_with if len(w) >= FUZZY_FROM}
        self._holders: dict[str, list[str]] = defaultdict(list)
        for word, word_pairs in self._pairs_of.items():
            for pair in word_pairs:
                self._holders[pair].append(word)

    def find(self, squeezed: str) -> str | None:
        """The manual whose phrase covers most letters of the message (spaces removed), or None."""
        present = self._words_in(squeezed)
        candidates = {i for w in present for i in self._phrases_with[w]}
        best = max(((self._phrases[i][2], self._phrases[i][1]) for i in candidates
                    if all(any(w in present for w in slot) for slot in self._phrases[i][0])), default=None)
        return best[1] if best else None

    def _words_in(self, squeezed: str) -> set[str]:
        found = {w for w in self._phrases_with if w in squeezed}
        counts = Counter(w for pair in pairs(squeezed) for w in self._holders.get(pair, ()))
        for word, seen in counts.items():
            if word not in found and len(self._pairs_of[word]) - seen <= MAX_MISSING_PAIRS \
                    and self._slipped_in(word, squeezed):
                found.add(word)
        return found

    @staticmethod
    def _slipped_in(word: str, squeezed: str) -> bool:
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

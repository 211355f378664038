"""How alike two questions are, tolerant of rewording, particles and misspelling: TF-IDF over character
n-grams within words (scikit-learn's `char_wb` analyzer, 2 to 4 characters), fitted with the project's
own `bot.nlu.tfidf` so a serving process does not load scikit-learn."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.nlu import tfidf

NGRAMS = (2, 4)
# Words that change nothing in what is asked: polite particles, fillers and the question's scaffolding
# ("อยากทราบว่า ... ไหม"), at any place; what is left is the topic.
PARTICLES = re.compile(r"(ครับผม|ครับ|คับ|ค่ะ|คะ|ค๊ะ|คร่ะ|จ้า|จ้ะ|จ๊ะ|นะคะ|นะครับ|หน่อย|ค่า|ขอบคุณ|"
                       r"อยากทราบว่า|อยากทราบ|อยากรู้ว่า|อยากรู้|ขอทราบ|สอบถาม|ขอถาม|"
                       r"หรือเปล่า|รึเปล่า|หรือไม่|ไหม|มั้ย|มั๊ย|please|thanks?)")
NOT_WORD = re.compile(r"[^\w\u0E00-\u0E7F\[\]]+")
# Thai vowel and tone marks that a hurried writer doubles or drops
REPEATS = re.compile(r"(.)\1{2,}")


def normalise(text: str) -> str:
    """Lower case, no particles, punctuation or repeated letters, single spaces."""
    text = PARTICLES.sub(" ", text.lower())
    text = REPEATS.sub(r"\1", NOT_WORD.sub(" ", text))
    return " ".join(text.split())


def grams(normalised: str) -> list[str]:
    """Character n-grams within space-padded words, as `TfidfVectorizer(analyzer="char_wb")` makes them."""
    found: list[str] = []
    lo, hi = NGRAMS
    for word in normalised.split():
        padded = f" {word} "
        for n in range(lo, min(hi, len(padded)) + 1):
            found.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return found


@lru_cache(maxsize=4096)
def profile(normalised: str) -> tuple[Counter, float]:
    """A normalised text's n-gram counts and their norm. Cached: a new question is compared with every
    open group's key, and the keys change rarely (read only, never mutated)."""
    counts = Counter(grams(normalised))
    return counts, math.sqrt(sum(n * n for n in counts.values()))


def resemblance(a: str, b: str) -> float:
    """Cosine of two normalised texts' n-gram counts (0..1): near-duplicates score high."""
    (ca, na), (cb, nb) = profile(a), profile(b)
    if len(cb) < len(ca):
        ca, cb = cb, ca
    dot = sum(n * cb[g] for g, n in ca.items())
    return dot / (na * nb) if na and nb else 0.0


@dataclass(frozen=True)
class Match:
    label: int
    score: float


class Matcher:
    """The best of many labelled texts (an answer's question and its examples) for a new question."""

    def __init__(self, texts: Sequence[str], labels: Sequence[int]) -> None:
        self.labels = list(labels)
        normalised = [normalise(t) for t in texts]
        self.vocabulary, self.idf, self.matrix = tfidf.fit_transform([grams(t) for t in normalised])

    def vector(self, text: str) -> np.ndarray:
        counts = Counter(g for g in grams(normalise(text)) if g in self.vocabulary)
        vec = np.zeros(len(self.vocabulary))
        for g, n in counts.items():
            vec[self.vocabulary[g]] = (1.0 + math.log(n)) * self.idf[self.vocabulary[g]]
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def best(self, text: str) -> Match | None:
        if not self.labels:
            return None
        scores = self.matrix @ self.vector(text)
        row = int(np.argmax(scores))
        return Match(self.labels[row], float(scores[row]))

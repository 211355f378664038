"""Thai-aware search over the report's passages: TF-IDF of PyThaiNLP words and character n-grams, cosine.

Words carry meaning ("รับผิดชอบ", "ติดตาม"); character n-grams within words survive typos and odd
segmentation ("รับผิดชอป"). The vocabularies and idf are fitted once (bot/nlu/tfidf.py, as scikit-learn's
TfidfVectorizer would, without importing it); a question is then scored with a few numpy operations.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Sequence

import numpy as np

from bot.nlu import tfidf


class Analyzer:
    """Words (minus stopwords) and the character n-grams inside each of them."""

    def __init__(self, tokenize: Callable[[str], list[str]], ngrams: tuple[int, int], stopwords: set[str]):
        self.tokenize = tokenize
        self.lo, self.hi = ngrams
        self.stopwords = stopwords

    def words(self, text: str) -> list[str]:
        return [t for t in (w.strip() for w in self.tokenize(text)) if t and t not in self.stopwords
                and any(ch.isalnum() for ch in t)]

    def chars(self, words: Sequence[str]) -> list[str]:
        grams = []
        for word in words:
            padded = f" {word} "
            for n in range(self.lo, min(self.hi, len(padded)) + 1):
                grams.extend(padded[i: i + n] for i in range(len(padded) - n + 1))
        return grams


class _Block:
    """One TF-IDF vocabulary (words or character n-grams) exported for fast scoring."""

    def __init__(self, features: list[list[str]], weight: float):
        self.vocabulary, self.idf, matrix = tfidf.fit_transform(features)  # rows are L2-normalised
        self.weight = weight
        self.by_feature = np.ascontiguousarray(matrix.T * weight)  # (features, passages)
        self.unknown_idf = float(np.median(self.idf))  # an unknown feature's weight: fixed once fitted

    def query(self, items: list[str]) -> tuple[list[int], np.ndarray]:
        counts = [(self.vocabulary[f], c) for f, c in Counter(items).items() if f in self.vocabulary]
        if not counts:
            return [], np.zeros(0)
        index = [i for i, _ in counts]
        values = np.array([1.0 + math.log(c) for _, c in counts]) * self.idf[index]
        # The query is normalised over all its features, known or not, so an off-topic message with one
        # shared word scores low instead of looking like a perfect match.
        total = len(set(items)) or 1
        norm = math.sqrt(float(values @ values) + max(0, total - len(index)) * self.unknown_idf ** 2)
        return index, values * (self.weight / norm)


class Retriever:
    """Cosine similarity of a question with each passage; blocks are weighted, then scores rescaled to 0..1."""

    def __init__(self, documents: Sequence[str], analyzer: Analyzer, word_weight: float) -> None:
        self.analyzer = analyzer
        words = [analyzer.words(d) for d in documents]
        self.words = _Block(words, word_weight)
        self.chars = _Block([analyzer.chars(w) for w in words], 1.0)
        self.scale = 1.0 / (word_weight ** 2 + 1.0)
        self.size = len(documents)

    def scores(self, text: str) -> np.ndarray:
        words = self.analyzer.words(text)
        out = np.zeros(self.size)
        for block, items in ((self.words, words), (self.chars, self.analyzer.chars(words))):
            index, values = block.query(items)
            if index:
                out += values @ block.by_feature[index]
        return out * self.scale

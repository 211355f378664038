"""Decide the intent: precise rules first, then a linear model over character and word features.

Rules (rules.yaml) catch what must never be a guess: a pasted tracking code, a bare "สวัสดี".
The model is a linear SVM (with calibrated probabilities) on TF-IDF of character n-grams (robust to
misspelling and to Thai written without spaces) and PyThaiNLP newmm words. It is trained with
scikit-learn (training.py, never imported by a serving process), exported as plain arrays (cached by
model_cache.py), and scored with a few numpy operations: tens of microseconds a message instead of the
~1 ms of a scikit-learn `transform` + `predict_proba` call, and no ~100 MB of scikit-learn and SciPy.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .entities import SLOT, compact
from .lexicon import ClassifierConfig, Rule

LETTERS = re.compile(r"[a-z\u0E01-\u0E2E]")


@dataclass(frozen=True)
class Decision:
    intent: str
    confidence: float
    source: str  # rule, follow-up, tiny, memory, model, threshold: why this intent (for tests and logs)


class Rules:
    """Exact messages, regexes on the normalised text, and entity-triggered intents, in file order."""

    def __init__(self, rules: list[Rule], prepare: Callable[[str], str]) -> None:
        self._rules = [
            (rule, {compact(prepare(e)) for e in rule.exact}, [re.compile(p) for p in rule.regex]) for rule in rules
        ]

    def match(self, normalized: str, entities: dict) -> Decision | None:
        squeezed = compact(normalized)
        for rule, exact, regexes in self._rules:
            if (
                squeezed in exact
                or any(r.search(normalized) for r in regexes)
                or (rule.entity is not None and rule.entity in entities)
            ):
                return Decision(rule.intent, rule.confidence, "rule")
        return None


class Features:
    """Character n-grams within words plus newmm words; one analyzer for training and for scoring."""

    def __init__(self, ngrams: tuple[int, int], tokenize: Callable[[str], list[str]]) -> None:
        self.lo, self.hi = ngrams
        self.tokenize = tokenize

    def chars(self, text: str) -> list[str]:
        grams = []
        for word in text.split():
            padded = f" {word} "
            for n in range(self.lo, min(self.hi, len(padded)) + 1):
                grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams

    def words(self, text: str) -> list[str]:
        return [t for t in self.tokenize(text) if t.strip()]


class LinearModel:
    """TF-IDF + linear SVM with temperature-calibrated softmax, scored from arrays.

    A linear SVM trains in tens of milliseconds on a few thousand sentences; its raw margins are
    turned into probabilities by one temperature fitted on cross-validated margins, so the fallback
    threshold means "the model is this sure" rather than an arbitrary margin.
    """

    def __init__(self, config: ClassifierConfig, tokenize: Callable[[str], list[str]]) -> None:
        self.config = config
        self.features = Features(config.char_ngrams, tokenize)
        self.reference = None  # scikit-learn's fitted objects, only in a process that trained the model

    def fit(self, texts: list[str], labels: list[str]) -> dict:
        """Train with scikit-learn (imported here, only here); returns the arrays (the caller `use`s them)."""
        from .training import fit

        arrays, self.reference = fit(self.config, self.features.chars, self.features.words, texts, labels)
        return arrays

    def use(self, arrays: dict) -> "LinearModel":
        """Score with exported arrays (see training.fit for what they hold)."""
        self.classes: list[str] = list(arrays["classes"])
        self.beta = float(arrays["beta"])
        self._char = (arrays["char_vocabulary"], arrays["char_idf"], arrays["char_weights"], 1.0)
        self._word = (arrays["word_vocabulary"], arrays["word_idf"], arrays["word_weights"], self.config.word_weight)
        self._bias = np.asarray(arrays["bias"], dtype=np.float64)
        return self

    def sklearn_proba(self, text: str) -> np.ndarray:
        """The reference scorer (slow, needs a process that trained); tests check `proba` agrees with it."""
        if self.reference is None:
            raise RuntimeError("this model was loaded from arrays; train it to compare with scikit-learn")
        return self.reference.proba(text)

    def proba(self, text: str) -> tuple[np.ndarray, float]:
        """Class probabilities, and the share of the message's character n-grams (n >= 3) the model knows."""
        margins = self._bias.copy()
        grams = self.features.chars(text)
        for (vocabulary, idf, weights, scale), items in ((self._char, grams), (self._word, self.features.words(text))):
            counts = [(vocabulary[f], c) for f, c in Counter(items).items() if f in vocabulary]
            if not counts:
                continue
            index = [i for i, _ in counts]
            values = np.array([1.0 + math.log(c) for _, c in counts]) * idf[index]
            values *= scale / math.sqrt(float(values @ values))
            margins += values @ weights[index]
        logits = self.beta * margins
        exp = np.exp(logits - logits.max())
        long_grams = [g for g in grams if len(g.strip()) >= 3]
        known = sum(g in self._char[0] for g in long_grams) / len(long_grams) if long_grams else 1.0
        return exp / exp.sum(), known


class IntentClassifier:
    """Rules, then exact memory of training sentences, then the model with a fallback threshold."""

    def __init__(
        self,
        config: ClassifierConfig,
        rules: Rules,
        tokenize: Callable[[str], list[str]],
        prepare: Callable[[str], str] = str.lower,
    ) -> None:
        self.config = config
        self.rules = rules
        self.model = LinearModel(config, tokenize)
        self.memory: dict[str, str] = {}
        self._cues = [c for c in (compact(prepare(c)) for c in config.follow_up_cues) if c]
        words = [*config.follow_up_fillers, *config.follow_up_cues]
        fillers = sorted({compact(prepare(f)) for f in words} - {""}, key=len, reverse=True)
        pieces = [re.escape(f) for f in fillers] + [re.escape(s) for s in SLOT.values()] + [r"[\s?.,!]"]
        self._filler = re.compile("|".join(pieces))

    def fit(self, masked: list[str], labels: list[str]) -> dict:
        """Train the model (scikit-learn) and return its arrays, which `use` takes back on a later start."""
        arrays = self.model.fit(masked, labels)
        self.use(arrays, masked, labels)
        return arrays

    def use(self, arrays: dict, masked: list[str], labels: list[str]) -> "IntentClassifier":
        self.model.use(arrays)
        # Remember training sentences verbatim, except forms that (after masking) mean two intents.
        seen: dict[str, set[str]] = {}
        for text, label in zip(masked, labels):
            seen.setdefault(compact(text), set()).add(label)
        self.memory = {text: next(iter(found)) for text, found in seen.items() if len(found) == 1}
        self.coarse = sorted({c.split(".")[0] for c in self.model.classes})
        self._coarse_of = np.array([self.coarse.index(c.split(".")[0]) for c in self.model.classes])
        return self

    def is_follow_up(self, masked: str, entities: dict) -> bool:
        """ "แล้วปี 63 ล่ะ": a cue, values and filler only, so it continues the previous question.
        Without a cue ("ตัวชี้วัดที่ 8") the model decides: it is a question of its own."""
        squeezed = compact(masked)
        return (
            any(e in entities for e in self.config.follow_up_entities)
            and any(c in squeezed for c in self._cues)
            and not self._filler.sub("", squeezed)
        )

    def only_values(self, masked: str, entities: dict, kinds: tuple[str, ...]) -> bool:
        """The message is one of these values and filler words only ("ปี62", "ปี 2563")."""
        return any(k in entities for k in kinds) and not self._filler.sub("", compact(masked))

    def decide(self, normalized: str, masked: str, entities: dict, exclude: tuple[str, ...] = ()) -> Decision:
        """The intent; coarse intents in `exclude` are ruled out (their probability is not handed to the
        others, so what is left must still be sure on its own or the message falls back)."""
        rule = self.rules.match(normalized, entities)
        if rule and rule.intent.split(".")[0] not in exclude:
            return rule
        if self.is_follow_up(masked, entities):
            return Decision("fallback", 1.0, "follow-up")
        if len(LETTERS.findall(normalized)) < self.config.min_letters:
            return Decision("fallback", 1.0, "tiny")
        intent = self.memory.get(compact(masked))
        if intent and intent.split(".")[0] not in exclude:
            return Decision(intent, 1.0, "memory")
        proba, known = self.model.proba(masked)
        mass = np.bincount(self._coarse_of, weights=proba, minlength=len(self.coarse))
        for name in exclude:
            if name in self.coarse:
                mass[self.coarse.index(name)] = 0.0
                proba = np.where(self._coarse_of == self.coarse.index(name), 0.0, proba)
        best = int(mass.argmax())
        coarse, confidence = self.coarse[best], float(mass[best])
        if coarse == "fallback":
            return Decision("fallback", confidence, "model")
        if confidence < self.config.threshold or known < self.config.min_known:
            return Decision("fallback", round(1.0 - confidence, 4), "threshold")
        inside = np.where(self._coarse_of == best, proba, -1.0)
        return Decision(self.model.classes[int(inside.argmax())], confidence, "model")

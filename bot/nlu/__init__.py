"""Thai natural-language understanding: a chat message in, an intent with entities out.

    understander = Understander.from_content(Path("content"))
    understander.warm()
    u = understander.understand("ita ปี64 ได้กี่คะแนนคะ")
    u.intent, u.coarse, u.entities  # "ita.total", "ita", {"year": 2564}

Pipeline: normalize (normalize.py) -> entities and slot masking (entities.py) -> rules, memory,
linear model with a fallback threshold (classifier.py). All words, sentences and thresholds come
from content/nlu/*.yaml (lexicon.py), so an office can extend it without touching code.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .classifier import IntentClassifier, Rules
from .entities import EntityExtractor
from .lexicon import Lexicon, load_lexicon
from .normalize import Normalizer

__all__ = ["Understanding", "Understander", "load_lexicon"]

# Entities whose keywords are loose ("ทุจริต", "ลูกเสือ") are only reported where they mean something.
ONLY_FOR = {"category": ("complaint", "feedback"), "topic": ("news",)}


@dataclass(frozen=True)
class Understanding:
    intent: str
    """Fine intent, dotted (e.g. "ita.indicator"); the part before the dot is the coarse intent."""
    confidence: float
    """0..1: the model's probability for the coarse intent (1.0 for rules and exact matches)."""
    entities: dict
    normalized: str

    @property
    def coarse(self) -> str:
        return self.intent.split(".")[0]


@lru_cache(maxsize=4096)
def _newmm(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, engine="newmm", keep_whitespace=False)


def tokenize(text: str) -> list[str]:
    """newmm words; cached because chat traffic repeats itself ("สวัสดีครับ", menu taps)."""
    return list(_newmm(text))


class Understander:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.normalize = Normalizer(lexicon.normalize)
        self.extractor = EntityExtractor(lexicon.entities, lexicon.procedures, self.normalize, tokenize)
        self.classifier = IntentClassifier(lexicon.classifier, Rules(lexicon.rules, self.normalize), tokenize)
        texts, labels = [], []
        for intent, examples in lexicon.examples.items():
            for example in examples:
                texts.append(self.extractor.extract(self.normalize(example)).masked)
                labels.append(intent)
        self.classifier.fit(texts, labels)

    @classmethod
    def from_content(cls, content_dir: Path, procedures_dir: Path | None = None) -> "Understander":
        """Load content/nlu/*.yaml and content/procedures/*.yaml (absent is fine) and train (~1 s)."""
        return cls(load_lexicon(Path(content_dir), procedures_dir))

    def warm(self) -> None:
        """Build PyThaiNLP's dictionary trie now (~0.5 s) rather than in the first user's reply."""
        self.understand("สวัสดีครับ ขอทราบผล ita ปี 2564")

    def understand(self, text: str) -> Understanding:
        normalized = self.normalize(text or "")
        extraction = self.extractor.extract(normalized)
        entities = extraction.entities
        decision = self.classifier.decide(normalized, extraction.masked, entities)
        intent, confidence = decision.intent, decision.confidence
        if "procedure" in entities and (intent.startswith("procedure") or decision.source == "threshold"):
            intent, confidence = "procedure.detail", max(confidence, self.lexicon.classifier.threshold)
        if intent.startswith("news"):
            # A listed topic is trusted; free words after "ข่าว" only when the model also heard a topic.
            topical = "topic" in entities and (extraction.known_topic or intent == "news.topic")
            intent = "news.topic" if topical else "news.latest"
            if not topical:
                entities = {k: v for k, v in entities.items() if k != "topic"}
        coarse = intent.split(".")[0]
        kept = {k: v for k, v in entities.items() if coarse in ONLY_FOR.get(k, (coarse,))}
        return Understanding(intent, round(float(confidence), 4), kept, normalized)

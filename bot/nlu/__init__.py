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

import copy
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import model_cache
from .classifier import Decision, IntentClassifier, Rules
from .entities import EntityExtractor
from .lexicon import Lexicon, load_lexicon
from .normalize import Normalizer

__all__ = ["Understanding", "Understander", "load_lexicon"]

# PyThaiNLP must never fetch data while answering a citizen; newmm's dictionary ships with the package.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

# Entities whose keywords are loose ("ทุจริต", "ลูกเสือ") are only reported where they mean something.
ONLY_FOR = {"category": ("complaint", "feedback"), "topic": ("news",)}
# Intents a question about something the office does not handle (school admission, exam dates) is often
# mistaken for; there the referral to who does handle it wins.
REFERABLE = ("fallback", "procedure", "contact", "help", "complaint")


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

    from .wordlist import thai_dictionary

    return word_tokenize(text, engine="newmm", keep_whitespace=False, custom_dict=thai_dictionary())


def tokenize(text: str) -> list[str]:
    """newmm words; cached because chat traffic repeats itself ("สวัสดีครับ", menu taps)."""
    return list(_newmm(text))


# Distinct messages remembered per process: chat traffic repeats itself (greetings, menu taps, the same
# question from many people), and understanding is a pure function of the text.
CACHE_SIZE = 4096


class Understander:
    """Built once per process (training takes about a second); `understand` is then thread-safe."""

    def __init__(self, lexicon: Lexicon, origin: tuple[Path, Path | None] | None = None, train: bool = False) -> None:
        """`train`: fit with scikit-learn here (and cache the arrays). Otherwise the cached arrays are used,
        trained first in a child process when missing and `origin` (content and procedures directories)
        says where the content is, so this process never imports the training libraries."""
        self.lexicon = lexicon
        self.normalize = Normalizer(lexicon.normalize)
        self.extractor = EntityExtractor(lexicon.entities, lexicon.procedures, self.normalize, tokenize)
        rules = Rules(lexicon.rules, self.normalize)
        self.classifier = IntentClassifier(lexicon.classifier, rules, tokenize, self.normalize)
        texts, labels = [], []
        for intent, examples in lexicon.examples.items():
            for example in examples:
                normalized = self.normalize(example)
                if normalized:  # "555" teaches nothing: noise is caught before the model
                    texts.append(self.extractor.extract(normalized).masked)
                    labels.append(intent)
        model_key = model_cache.key(lexicon.classifier, texts, labels)
        arrays = None if train else model_cache.load(model_key)
        if arrays is None and not train and origin is not None and model_cache.train_apart(*origin):
            arrays = model_cache.load(model_key)
        if arrays is None:
            model_cache.save(model_key, self.classifier.fit(texts, labels))
        else:
            self.classifier.use(arrays, texts, labels)
        self._normalized = lru_cache(maxsize=CACHE_SIZE)(self.normalize)
        self._understood = lru_cache(maxsize=CACHE_SIZE)(self._understand_normalized)

    @classmethod
    def from_content(cls, content_dir: Path, procedures_dir: Path | None = None, train: bool = False) -> "Understander":
        """Load content/nlu/*.yaml and content/procedures/*.yaml (absent is fine) and the model: from its
        cache, or trained (~1 s) when `train` or when the content changed."""
        return cls(load_lexicon(Path(content_dir), procedures_dir), (Path(content_dir), procedures_dir), train)

    def warm(self) -> None:
        """Make sure PyThaiNLP's dictionary trie (~0.5 s to build) exists before the first user's reply."""
        self.understand("สวัสดีครับ ขอทราบผล ita ปี 2564")

    def understand(self, text: str) -> Understanding:
        """What the message means; remembered by its normalised text (bounded LRU). The entities are a copy,
        so a caller changing them changes nothing for the next message."""
        cached = self._understood(self._normalized(text or ""))
        return Understanding(cached.intent, cached.confidence, copy.deepcopy(cached.entities), cached.normalized)

    def _understand_normalized(self, normalized: str) -> Understanding:
        extraction = self.extractor.extract(normalized)
        entities = extraction.entities
        decision = self.classifier.decide(normalized, extraction.masked, entities)
        if decision.intent.startswith("complaint") and "complaint" not in entities:
            # Naming a topic ("รายชื่อโรงเรียนในสังกัด") is not a wish to complain: without a word that
            # asks to complain or reports a wrong, it is a question (answered, or honestly not known).
            decision = self.classifier.decide(normalized, extraction.masked, entities, exclude=("complaint",))
        elif "complaint" in entities and decision.source in ("model", "threshold") and \
                decision.confidence < self.lexicon.classifier.complaint_cue_wins_below:
            # A wrong reported ("มีคนโกงงบประมาณ") outweighs an unsure guess at another topic.
            decision = Decision("complaint", self.lexicon.classifier.threshold, "complaint-cue")
        intent, confidence = decision.intent, decision.confidence
        if "referral" in entities and "complaint" not in entities and "procedure" not in entities \
                and decision.intent.split(".")[0] in REFERABLE:
            intent, confidence = "contact.referral", max(confidence, self.lexicon.classifier.threshold)
        if intent == "fallback" and decision.source in ("model", "threshold", "tiny") and \
                self.classifier.only_values(extraction.masked, entities, ("year",)):
            intent, confidence = "ita.total", 1.0  # "ปี62" alone asks for that year's ITA result
        if "procedure" in entities and (intent.startswith("procedure") or decision.source == "threshold"
                                        or ("aspect" in entities and intent.startswith("contact"))
                                        or self._manual_outweighs(intent, confidence, normalized, entities)):
            # A named service manual is strong evidence: it settles list vs detail, and rescues an
            # unsure guess ("ผ่อนผันทหาร" alone) instead of showing the menu.
            if decision.source == "threshold":
                confidence = self.lexicon.classifier.threshold
            intent = "procedure.detail"
        if "breakdown" in entities and intent.startswith("ita") and intent != "ita.change":
            intent = "ita.missing"  # "คะแนน ITA แยกรายโรงเรียน": a breakdown the report does not have
        if intent == "ita.total" and "tool" in entities:
            intent = "ita.tools"  # "ITA ปี 2564 IIT ได้เท่าไร": the tool's score, not the whole card
        elif intent == "ita.total" and "indicator" in entities:
            intent = "ita.indicator"
        if intent == "ita.total" and len(entities.get("years", ())) > 1:
            intent = "ita.history"  # two years asked at once is a comparison, not one year's result
        if intent.startswith("news"):
            # A listed topic is trusted; free words after "ข่าว" only when the model also heard a topic.
            topical = "topic" in entities and (extraction.known_topic or intent == "news.topic")
            intent = "news.topic" if topical else "news.latest"
            if not topical:
                entities = {k: v for k, v in entities.items() if k != "topic"}
        if intent == "procedure.detail" and "procedure" not in entities:
            # A service question naming no manual gets the list: never sure enough to cut into a story
            confidence = min(confidence, self.lexicon.classifier.unnamed_manual_at_most)
        coarse = intent.split(".")[0]
        kept = {k: v for k, v in entities.items() if coarse in ONLY_FOR.get(k, (coarse,))}
        return Understanding(intent, round(float(confidence), 4), kept, normalized)

    def _manual_outweighs(self, intent: str, confidence: float, normalized: str, entities: dict) -> bool:
        """A named manual ("ผลประเมินวิทยฐานะ", "ขอข้อมูลจัดซื้อจัดจ้าง") over a guess its words suggest
        ("ประเมิน", "ข้อมูล" are ITA's words too): over the menu, over a contact or help guess that is not
        sure, and over an ITA guess when nothing in the message is the assessment's own (an indicator, a
        tool, "ita")."""
        coarse = intent.split(".")[0]
        if coarse == "fallback":
            return True
        if coarse == "ita":
            own = ("indicator", "tool", "item", "level", "score")
            cues = self.lexicon.classifier.ita_cues
            return not any(k in entities for k in own) and not any(c in normalized for c in cues)
        if intent == "contact.referral":
            return "referral" not in entities  # the model's guess, with no word of another office's work
        if coarse in ("contact", "help") and intent != "contact.groups":
            return confidence < self.lexicon.classifier.procedure_wins_below
        return False

"""Schemas and loading of the office-editable NLU content (`content/nlu/*.yaml`, `content/procedures/*.yaml`).

Everything an office may want to extend (training sentences, synonyms, misspellings, particles, rules,
thresholds) lives in YAML, so a mistake must come back as a `ContentError` naming the file and the field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.yamlfile import ContentError, load_model

COARSE = (
    "greeting", "help", "thanks", "ita", "contact", "procedure",
    "news", "complaint", "feedback", "track", "handoff", "fallback",
)
"""Coarse intents are a contract with the bot's handlers; fine intents (after the dot) are free."""

INTENT = re.compile(r"^(%s)(\.[a-z_]+)?$" % "|".join(COARSE))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_intent(name: str) -> str:
    if not INTENT.match(name):
        raise ValueError(f"unknown intent {name!r}: must be one of {', '.join(COARSE)} optionally followed by .name")
    return name


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return pattern


class NormalizeConfig(Strict):
    """normalize.yaml: what to strip and what to correct before anything else looks at a message."""

    particles: list[str] = Field(min_length=1)
    particles_anywhere: list[str] = []
    misspellings: dict[str, str] = {}


class Indicator(Strict):
    name: str
    synonyms: list[str] = []


class Category(Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    keywords: list[str] = []


class ChannelWords(Strict):
    asked: list[str]
    offered: list[str]


class EntitiesConfig(Strict):
    """entities.yaml: names and synonyms that map words in a message to values the handlers use."""

    indicators: dict[int, Indicator]
    indicator_prefixes: list[str] = Field(min_length=1)
    tools: dict[str, list[str]]
    levels: list[str] = ["AA", "A", "B", "C", "D", "E", "F"]
    categories: list[Category] = Field(min_length=1)
    news_words: list[str] = Field(min_length=1)
    news_topics: list[str] = []
    topic_stopwords: list[str] = []
    last_year: list[str] = []
    this_year: list[str] = []
    complaint_asks: list[str] = []
    """Words that say the writer wants to complain or report ("ร้องเรียน", "แจ้งเบาะแส")."""
    complaint_wrongs: list[str] = []
    """Words that report a wrong done ("ถูกเรียกเงิน", "ไม่สุภาพ"); naming a topic ("ครู") is neither."""
    complaint_terms: list[str] = []
    """Names of the assessment's own ideas that contain such a word ("ดัชนีการรับรู้การทุจริต", the CPI): naming
    them asks about the report, it reports no wrong."""
    referrals: dict[str, list[str]] = {}
    """Topics the office does not handle itself (keys of office.yaml `referrals`) and the words naming them."""
    procedure_aspects: dict[str, list[str]] = {}
    """One part of a service manual asked about: time, documents, contact, online, fee."""
    procedure_channels: dict[str, "ChannelWords"] = {}
    """A way of applying asked about ("ส่งทางอีเมลได้ไหม"): the words that ask, and the words of a manual's
    `channels` that offer it; answered yes or no from the manual."""
    count_words: list[str] = []
    """"How many" cues: the answer starts with the count."""
    ita_breakdowns: dict[str, list[str]] = {}
    """Breakdowns of the ITA results the report does not publish ("รายโรงเรียน"): named as missing."""

    @field_validator("indicators")
    @classmethod
    def _ten(cls, value: dict[int, Indicator]) -> dict[int, Indicator]:
        bad = [k for k in value if not 1 <= k <= 10]
        if bad:
            raise ValueError(f"indicator numbers must be 1-10, got {bad}")
        return value

    @field_validator("tools")
    @classmethod
    def _tools(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        bad = [k for k in value if k not in ("IIT", "EIT", "OIT")]
        if bad:
            raise ValueError(f"tools must be IIT, EIT or OIT, got {bad}")
        return value


class Rule(Strict):
    """A precise rule that wins over the model: an exact message, a regex, or a present entity."""

    intent: str
    exact: list[str] = []
    regex: list[str] = []
    entity: str | None = None
    confidence: float = Field(default=1.0, ge=0, le=1)

    @field_validator("intent")
    @classmethod
    def _intent(cls, value: str) -> str:
        return _check_intent(value)

    @field_validator("regex")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(p) for p in value]

    @model_validator(mode="after")
    def _one_kind(self) -> "Rule":
        if not (self.exact or self.regex or self.entity):
            raise ValueError("a rule needs one of exact, regex or entity")
        return self


class RulesFile(Strict):
    rules: list[Rule] = []


class ClassifierConfig(Strict):
    """classifier.yaml: the model's knobs and the confidence below which the bot shows its menu."""

    threshold: float = Field(ge=0, le=1)
    min_letters: int = Field(default=2, ge=0)
    min_known: float = Field(default=0.3, ge=0, le=1)
    char_ngrams: tuple[int, int] = (1, 4)
    word_weight: float = Field(default=1.0, gt=0)
    C: float = Field(default=0.5, gt=0)
    follow_up_entities: list[str] = ["year", "relative_year", "indicator", "tool", "score", "level"]
    follow_up_cues: list[str] = []
    follow_up_fillers: list[str] = []
    calibration_folds: int = Field(default=5, ge=2)
    complaint_cue_wins_below: float = Field(default=0.7, ge=0, le=1)
    procedure_wins_below: float = Field(default=0.0, ge=0, le=1)
    unnamed_manual_at_most: float = Field(default=1.0, ge=0, le=1)
    ita_cues: list[str] = []


class ExamplesFile(Strict):
    """examples*.yaml: training sentences per fine intent, written the way people type in chat."""

    intents: dict[str, list[str]]

    @field_validator("intents")
    @classmethod
    def _names(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name in value:
            _check_intent(name)
        return value


class ProcedureRef(BaseModel):
    """Only what the NLU needs from a service manual; the full schema is checked by the content loader."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    title: str
    title_en: str = ""
    keywords: list[str] = []
    situations: list[str] = []
    """Situations, purposes and documents that lead to this manual ("ธนาคาร กู้"): words in any order."""


@dataclass(frozen=True)
class Lexicon:
    normalize: NormalizeConfig
    entities: EntitiesConfig
    rules: list[Rule]
    classifier: ClassifierConfig
    examples: dict[str, list[str]]
    procedures: list[ProcedureRef] = field(default_factory=list)


def load_procedures(directory: Path | None) -> list[ProcedureRef]:
    """Service manuals, if any: a missing directory just means no procedure can be named yet."""
    if directory is None or not directory.is_dir():
        return []
    return [load_model(path, ProcedureRef) for path in sorted(directory.glob("*.yaml"))]


def load_lexicon(content_dir: Path, procedures_dir: Path | None = None) -> Lexicon:
    """Read `content_dir/nlu/*.yaml` (+ procedures); raise ContentError naming the file and field."""
    nlu = Path(content_dir) / "nlu"
    if not nlu.is_dir():
        raise ContentError(f"{nlu}: directory not found")
    classifier = load_model(nlu / "classifier.yaml", ClassifierConfig)
    examples: dict[str, list[str]] = {}
    first_file: dict[str, Path] = {}
    seen: dict[str, tuple[str, Path]] = {}
    for path in sorted(nlu.glob("examples*.yaml")):
        for intent, texts in load_model(path, ExamplesFile).intents.items():
            for position, text in enumerate(texts):
                key = " ".join(text.lower().split())
                if key in seen and seen[key][0] != intent:
                    raise ContentError(
                        f"{path}: field 'intents.{intent}.{position}': {text!r} is also an example of "
                        f"{seen[key][0]} in {seen[key][1]}"
                    )
                seen[key] = (intent, path)
            examples.setdefault(intent, []).extend(texts)
            first_file.setdefault(intent, path)
    if not examples:
        raise ContentError(f"{nlu}: no examples*.yaml with training sentences")
    if "fallback" not in examples:
        raise ContentError(f"{nlu}: field 'intents.fallback': out-of-scope examples are required")
    for intent, texts in examples.items():
        if len(texts) < classifier.calibration_folds:
            raise ContentError(
                f"{first_file[intent]}: field 'intents.{intent}': needs at least {classifier.calibration_folds} "
                f"examples (has {len(texts)})"
            )
    procedures = load_procedures(procedures_dir if procedures_dir is not None else Path(content_dir) / "procedures")
    return Lexicon(
        normalize=load_model(nlu / "normalize.yaml", NormalizeConfig),
        entities=load_model(nlu / "entities.yaml", EntitiesConfig),
        rules=load_model(nlu / "rules.yaml", RulesFile).rules,
        classifier=classifier,
        examples=examples,
        procedures=procedures,
    )

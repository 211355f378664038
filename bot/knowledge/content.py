"""The report's knowledge as data: `content/report/*.yaml` loaded into passages with their place in the report.

Passages are copied from the report; figures inside them are {placeholders} filled from `scoring/`, so a
passage never carries a typed number. The structured guidelines table becomes one passage per answerable
piece (approaches, responsible, monitoring of each indicator). Part 1's guidance per indicator is not repeated:
it lives in `content/ita/` and the `ita.guidance` answer gives it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from scoring import ItaData, year_result
from scoring.summary import fmt
from scoring.yamlfile import ContentError, load_model

REPORT_FILE = "report.yaml"
LIST_KINDS = ("approaches", "measures", "monitoring")
"""Kinds whose items the report numbers; other lists are shown as bullets."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Part(Strict):
    id: str
    label: str
    heading: str


class Retrieval(Strict):
    threshold: float = Field(gt=0, lt=1)
    char_ngrams: tuple[int, int] = (2, 4)
    word_weight: float = Field(default=1.0, gt=0)
    head_weight: float = Field(default=0.0, ge=0, le=1)
    same_indicator: float = Field(default=1.0, gt=0)
    other_indicator: float = Field(default=1.0, gt=0)
    complement_intents: list[str] = []
    complement_threshold: float = Field(default=0.5, gt=0, lt=1)
    stopwords: list[str] = []


class ReportFile(Strict):
    title: str
    short_title: str
    year: int
    source_file: str = "source.txt"
    parts: list[Part] = Field(min_length=1)
    kinds: dict[str, list[str]]
    retrieval: Retrieval
    texts: dict[str, dict[str, str]]
    # Words that ask for one fact of an event passage (its `facts`): "ใครเป็นประธาน" asks `presided`.
    # `who` asks the person: `presided`, else `led`.
    fact_asks: dict[str, list[str]] = {}


class Correction(Strict):
    """A misprint of the report that content elsewhere corrects: shown corrected, the printed form kept."""

    printed: str = Field(min_length=1)
    corrected: str = Field(min_length=1)


class PassageIn(Strict):
    id: str = Field(pattern=r"^[a-z0-9.\-]+$")
    part: str
    section: str
    where: str = ""
    kind: str = "general"
    indicator: int | None = None
    title: str
    text: str | list[str] = ""
    items: list[str] = []
    asks: list[str] = []
    corrections: list[Correction] = []
    # What an event passage answers in one phrase, copied from its text (corrected): presided, led, date,
    # place. A question asking one of them gets that phrase first, the whole passage one tap away.
    facts: dict[str, str] = {}


class GuidelineRow(Strict):
    indicator: int
    approaches: list[str] = Field(min_length=1)
    responsible: str
    monitoring: list[str] = Field(min_length=1)


class Guidelines(Strict):
    part: str
    section: str
    columns: dict[str, str]
    rows: list[GuidelineRow]


class PassagesFile(Strict):
    passages: list[PassageIn] = []
    guidelines: Guidelines | None = None


@dataclass(frozen=True)
class Passage:
    id: str
    part: Part
    section: str
    """The heading the passage stands under, as printed in the report."""
    where: str
    kind: str
    indicator: int | None
    title: str
    text: str
    items: tuple[str, ...]
    asks: tuple[str, ...]
    pieces: tuple[str, ...]
    """Every text and item as rendered: each is a verbatim piece of the report, misprints corrected."""
    file: Path
    corrections: tuple[Correction, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()

    @property
    def printed(self) -> tuple[str, ...]:
        """The pieces as the report prints them (the corrections undone): what the tests find in source.txt."""
        out = []
        for piece in self.pieces:
            for c in self.corrections:
                piece = piece.replace(c.corrected, c.printed)
            out.append(piece)
        return tuple(out)

    def fact(self, key: str) -> str | None:
        return dict(self.facts).get(key)

    @property
    def numbered(self) -> bool:
        return self.kind in LIST_KINDS


@dataclass(frozen=True)
class Report:
    meta: ReportFile
    passages: tuple[Passage, ...]
    directory: Path

    def text(self, key: str, lang: str = "th") -> str:
        table = self.meta.texts.get(lang, {}) if lang != "th" else {}
        found = table.get(key) or self.meta.texts.get("th", {}).get(key)
        if found is None:
            raise ContentError(f"{self.directory / REPORT_FILE}: no text '{key}' under texts.th")
        return found

    def source_line(self, passage: Passage) -> str:
        where = " ".join(p for p in (passage.part.label, passage.where) if p)
        return self.text("source").format(report=self.meta.short_title, where=where)

    @property
    def source_path(self) -> Path:
        return self.directory / self.meta.source_file


def figures(ita: ItaData, year: int) -> dict[str, str]:
    """The placeholders a passage may use, computed by scoring/."""
    if year not in ita.years:
        raise ContentError(f"report year {year} has no file in content/ita/")
    r = year_result(ita, year)
    values = {"total": fmt(r.total), "level": r.grade.level}
    values.update({tool: fmt(t.score) for tool, t in r.tools.items()})
    values.update({f"ind{i.number}": fmt(i.score) for i in r.indicators})
    return values


def _render(template: str, values: dict[str, str], where: str) -> str:
    try:
        return " ".join(template.format_map(values).split())
    except (KeyError, IndexError, ValueError) as exc:
        raise ContentError(f"{where}: unknown figure {exc} (use {', '.join('{' + k + '}' for k in values)})") from None


def _passage(p: PassageIn, parts: dict[str, Part], values: dict[str, str], path: Path) -> Passage:
    where = f"{path}: passage '{p.id}'"
    if p.part not in parts:
        raise ContentError(f"{where}: field 'part': must be one of {', '.join(parts)} (got {p.part!r})")
    texts = [p.text] if isinstance(p.text, str) else list(p.text)
    texts = [_correct(_render(t, values, where), p.corrections, where) for t in texts if t.strip()]
    items = tuple(_correct(_render(i, values, where), p.corrections, where) for i in p.items)
    if not texts and not items:
        raise ContentError(f"{where}: needs a text or items")
    for c in p.corrections:
        if not any(c.corrected in piece for piece in (*texts, *items)):
            raise ContentError(f"{where}: field 'corrections': {c.printed!r} is not in the passage")
    for key, fact in p.facts.items():
        if not any(fact in piece for piece in texts):
            raise ContentError(f"{where}: field 'facts.{key}': {fact!r} is not in the passage's text")
    return Passage(p.id, parts[p.part], " ".join(p.section.split()), p.where, p.kind, p.indicator, p.title,
                   " ".join(texts), items, tuple(p.asks), tuple(texts) + items, path, tuple(p.corrections),
                   tuple(p.facts.items()))


def _correct(text: str, corrections: list[Correction], where: str) -> str:
    for c in corrections:
        text = text.replace(c.printed, c.corrected)
    return text


def _guideline_passages(g: Guidelines, report: ReportFile, parts: dict[str, Part], ita: ItaData,
                        path: Path) -> list[Passage]:
    names = {i.number: i.name for i in ita.years[report.year].indicators}
    th = report.texts.get("th", {})
    out = []
    for row in g.rows:
        for field, items in (("approaches", row.approaches), ("responsible", [row.responsible]),
                             ("monitoring", row.monitoring)):
            label = g.columns.get(field) or th.get(f"field_{field}", field)
            values = {"field": label, "number": row.indicator, "name": names.get(row.indicator, "")}
            spec = PassageIn(id=f"p2.ind{row.indicator}.{field}", part=g.part, section=g.section,
                             where=th["guidelines_where"].format(**values), kind=field, indicator=row.indicator,
                             title=th["guidelines_title"].format(**values),
                             items=items if field != "responsible" else [], text=row.responsible
                             if field == "responsible" else "")
            out.append(_passage(spec, parts, {}, path))
    return out


def load_report(content_dir: Path | str, ita: ItaData) -> Report | None:
    """`content_dir/report/`, or None when the office has not put its report there (the layer is then off)."""
    directory = Path(content_dir) / "report"
    if not (directory / REPORT_FILE).is_file():
        return None
    meta = load_model(directory / REPORT_FILE, ReportFile)
    parts = {p.id: p for p in meta.parts}
    values = figures(ita, meta.year)
    passages: list[Passage] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == REPORT_FILE:
            continue
        data = load_model(path, PassagesFile)
        passages += [_passage(p, parts, values, path) for p in data.passages]
        if data.guidelines:
            passages += _guideline_passages(data.guidelines, meta, parts, ita, path)
    seen: set[str] = set()
    for p in passages:
        if p.id in seen:
            raise ContentError(f"{p.file}: passage '{p.id}': the id is used twice")
        if p.kind not in meta.kinds:
            raise ContentError(f"{p.file}: passage '{p.id}': field 'kind': must be one of {', '.join(meta.kinds)}")
        seen.add(p.id)
    if not passages:
        raise ContentError(f"{directory}: no passages")
    return Report(meta, tuple(passages), directory)

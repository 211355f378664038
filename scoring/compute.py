"""ITA figures computed from raw indicator scores: tool subtotals, total, level, ranking and comparisons.

Rule (from the report's tables): a tool's subtotal is the mean of its indicators times its weight / 100;
the total is the sum of the subtotals. Figures are kept exact (Decimal) and rounded half-up to two
decimals only where they are shown or graded, as the report does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Mapping

from .data import ItaData
from .model import TOOLS, Scale, YearFile

CENT = Decimal("0.01")
Direction = Literal["up", "down", "same"]


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def direction(difference: Decimal) -> Direction:
    return "up" if difference > 0 else "down" if difference < 0 else "same"


@dataclass(frozen=True)
class Grade:
    level: str
    label_en: str
    passed: bool | None  # None where the year's scale has no pass mark
    pass_mark: Decimal | None
    scale_id: str


def grade_on(scale: Scale, score: Decimal) -> Grade:
    score = r2(Decimal(score))
    band = next(b for b in scale.bands if score >= b.min)
    passed = None if scale.pass_mark is None else score >= scale.pass_mark
    return Grade(band.level, band.label_en, passed, scale.pass_mark, scale.id)


def grade(data: ItaData, year: int, score: Decimal) -> Grade:
    return grade_on(data.scale_for(year), score)


@dataclass(frozen=True)
class ToolResult:
    tool: str
    name: str
    name_en: str
    weight: Decimal
    mean: Decimal
    score: Decimal  # weighted subtotal, exact
    indicators: tuple[int, ...]


@dataclass(frozen=True)
class IndicatorResult:
    number: int
    name: str
    name_en: str
    tool: str
    score: Decimal
    level: str
    rank: int
    target: Decimal
    gap_to_target: Decimal  # score - target; negative means below target


@dataclass(frozen=True)
class Comparison:
    year: int
    total: Decimal
    difference: Decimal
    direction: Direction


@dataclass(frozen=True)
class NationalComparison:
    offices: int
    score: Decimal
    level: str
    difference: Decimal
    direction: Direction


@dataclass(frozen=True)
class YearResult:
    year: int
    total: Decimal  # rounded to two decimals, as graded
    grade: Grade
    detailed: bool  # computed from indicator scores (else taken from published figures)
    assessed_unit: str
    note: str
    note_en: str
    tools: dict[str, ToolResult] = field(default_factory=dict)
    indicators: tuple[IndicatorResult, ...] = ()  # by indicator number
    previous: Comparison | None = None
    national: NationalComparison | None = None

    @property
    def ranking(self) -> tuple[IndicatorResult, ...]:
        return tuple(sorted(self.indicators, key=lambda i: i.rank))

    @property
    def strongest(self) -> IndicatorResult | None:
        return self.ranking[0] if self.indicators else None

    @property
    def weakest(self) -> IndicatorResult | None:
        return self.ranking[-1] if self.indicators else None

    @property
    def below_target(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.ranking if i.gap_to_target < 0)

    def indicator(self, number: int) -> IndicatorResult | None:
        return next((i for i in self.indicators if i.number == number), None)


def tool_results(year_file: YearFile, scores: Mapping[int, Decimal]) -> dict[str, ToolResult]:
    results = {}
    for tool in TOOLS:
        info = year_file.tools[tool]
        members = [i.number for i in year_file.indicators if i.tool == tool]
        mean = sum((scores[n] for n in members), Decimal(0)) / len(members)
        results[tool] = ToolResult(tool, info.name, info.name_en, info.weight, mean,
                                   mean * info.weight / 100, tuple(members))
    return results


def raw_total(year_file: YearFile, scores: Mapping[int, Decimal]) -> Decimal:
    return sum((t.score for t in tool_results(year_file, scores).values()), Decimal(0))


def published_total(data: ItaData, year: int) -> Decimal:
    """The year's total as the bot tells it: computed where detail exists, else as published."""
    year_file = data.years[year]
    if year_file.indicators:
        return r2(raw_total(year_file, {i.number: i.score for i in year_file.indicators}))
    return r2(year_file.published.total)


def year_result(data: ItaData, year: int, overrides: Mapping[int, Decimal] | None = None) -> YearResult:
    """All figures of one year; `overrides` replaces indicator scores for what-if planning. The published
    figures are computed once per content load (answers ask for them on most ITA questions)."""
    if year not in data.years:
        raise KeyError(year)
    if not overrides:
        return data.memo(("year_result", year), lambda: _year_result(data, year, None))
    return _year_result(data, year, overrides)


def _year_result(data: ItaData, year: int, overrides: Mapping[int, Decimal] | None) -> YearResult:
    year_file = data.years[year]
    scale = data.scale_for(year)
    tools: dict[str, ToolResult] = {}
    indicators: tuple[IndicatorResult, ...] = ()
    if year_file.indicators:
        scores = {i.number: i.score for i in year_file.indicators}
        unknown = set(overrides or {}) - set(scores)
        if unknown:
            raise KeyError(f"no indicator {', '.join(map(str, sorted(unknown)))} in {year}")
        scores.update({n: Decimal(s) for n, s in (overrides or {}).items()})
        tools = tool_results(year_file, scores)
        total = r2(sum((t.score for t in tools.values()), Decimal(0)))
        order = sorted(year_file.indicators, key=lambda i: (-scores[i.number], i.number))
        rank = {ind.number: pos for pos, ind in enumerate(order, start=1)}
        indicators = tuple(
            IndicatorResult(i.number, i.name, i.name_en, i.tool, scores[i.number],
                            grade_on(scale, scores[i.number]).level, rank[i.number],
                            data.target_for(i.number), scores[i.number] - data.target_for(i.number))
            for i in sorted(year_file.indicators, key=lambda i: i.number))
    else:
        total = r2(year_file.published.total)
    previous = None
    earlier = [y for y in data.years if y < year]
    if earlier:
        prev_year = max(earlier)
        prev_total = published_total(data, prev_year)
        diff = total - prev_total
        previous = Comparison(prev_year, prev_total, diff, direction(diff))
    national = None
    if year_file.national_average:
        avg = year_file.national_average
        diff = total - r2(avg.score)
        national = NationalComparison(avg.offices, r2(avg.score), avg.level, diff, direction(diff))
    return YearResult(year, total, grade_on(scale, total), bool(year_file.indicators),
                      year_file.assessed_unit, year_file.note, year_file.note_en,
                      tools, indicators, previous, national)


def history(data: ItaData) -> list[YearResult]:
    return [year_result(data, y) for y in sorted(data.years)]

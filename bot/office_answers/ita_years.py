"""ITA years added after the content files (`python -m bot ita add-year`): the year's structure is copied
from another year, every figure is computed by `scoring/`, and the stored years are laid over
content/ita/ in every process (see live.py)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from scoring import ItaData, YearResult, year_result
from scoring.model import YearFile

from . import revision
from .models import ItaYear

TOLERANCE = Decimal("0.01")


class Refused(ValueError):
    """Input that cannot make a year (bad scores, an existing year, a structure to copy that is missing)."""


@dataclass(frozen=True)
class Disagreement:
    """Published figures that are not what the scores compute to."""

    published_total: Decimal | None
    published_level: str | None
    result: YearResult

    def lines(self) -> list[str]:
        found = []
        if self.published_total is not None and abs(self.published_total - self.result.total) > TOLERANCE:
            found.append(f"total: published {self.published_total}, computed {self.result.total}")
        if self.published_level is not None and self.published_level != self.result.grade.level:
            found.append(f"level: published {self.published_level}, computed {self.result.grade.level}")
        return found


def parse_scores(text: str) -> dict[int, Decimal]:
    """ "1=96.5,2=94" → {1: 96.5, 2: 94}."""
    scores: dict[int, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        number, sep, score = part.partition("=")
        try:
            n, s = int(number), Decimal(score.strip())
        except (ValueError, InvalidOperation):
            raise Refused(f"'{part}': write each score as NUMBER=SCORE, e.g. 1=96.5") from None
        if not sep or not Decimal(0) <= s <= Decimal(100):
            raise Refused(f"'{part}': a score is between 0 and 100")
        if n in scores:
            raise Refused(f"indicator {n} is given twice")
        scores[n] = s
    return scores


def new_year(data: ItaData, year: int, scores: dict[int, Decimal], like: int | None = None,
             published_total: Decimal | None = None, published_level: str | None = None) \
        -> tuple[YearFile, YearResult, Disagreement]:
    """The year's file, with the tools, weights and indicators of `like` (the latest year with indicators
    by default), its computed result, and how far the published figures are from it."""
    if year in data.years:
        raise Refused(f"the year {year} is already there")
    with_indicators = sorted(y for y, f in data.years.items() if f.indicators)
    if like is None:
        if not with_indicators:
            raise Refused("no year with indicator scores to copy the structure from")
        like = with_indicators[-1]
    if like not in with_indicators:
        raise Refused(f"the year {like} has no indicator scores to copy the structure from")
    base = data.years[like]
    numbers = {i.number for i in base.indicators}
    if set(scores) != numbers:
        missing, extra = sorted(numbers - set(scores)), sorted(set(scores) - numbers)
        raise Refused(f"the year {like} has indicators {', '.join(map(str, sorted(numbers)))}: "
                      + "; ".join(filter(None, [missing and f"missing {', '.join(map(str, missing))}",
                                                extra and f"unknown {', '.join(map(str, extra))}"])))
    draft = {
        "year": year,
        "tools": {k: t.model_dump(mode="json") for k, t in base.tools.items()},
        "indicators": [{"number": i.number, "name": i.name, "name_en": i.name_en, "tool": i.tool,
                        "score": str(scores[i.number])} for i in base.indicators],
        "published": {"total": "0", "level": "-"},
    }
    computed = year_result(_with(data, YearFile.model_validate(draft)), year)
    draft["published"] = {"total": str(published_total if published_total is not None else computed.total),
                          "level": published_level or computed.grade.level}
    year_file = YearFile.model_validate(draft)
    return year_file, computed, Disagreement(published_total, published_level, computed)


def _with(data: ItaData, *files: YearFile) -> ItaData:
    merged = ItaData(years={**data.years, **{f.year: f for f in files}}, scales=data.scales, target=data.target)
    for f in files:
        merged.scale_for(f.year)
    return merged


def store(session, year_file: YearFile) -> None:
    session.add(ItaYear(year=year_file.year, data=year_file.model_dump(mode="json")))
    revision.bump(session, revision.ITA)


def stored(conn) -> list[YearFile]:
    return [YearFile.model_validate(data) for data in conn.execute(select(ItaYear.data).order_by(ItaYear.year)).scalars()]


def overlay(data: ItaData, years: list[YearFile]) -> ItaData:
    """content/ita/ with the stored years added (a file of the same year wins: content is the record)."""
    return _with(data, *(f for f in years if f.year not in data.years))

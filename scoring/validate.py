"""Published figures checked against computed ones, so a typo in a report (or in content/) is seen.

Known case: the report's table prints OIT 36.75 while its indicators and its own text give 36.38;
the computed figure is the one the bot uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .compute import r2, year_result
from .data import ItaData


@dataclass(frozen=True)
class Mismatch:
    year: int
    figure: str
    published: str
    computed: str
    source: str

    def describe(self) -> str:
        where = f" ({self.source})" if self.source else ""
        return f"{self.year} {self.figure}: published {self.published}{where}, computed {self.computed}"


def check(data: ItaData) -> list[Mismatch]:
    """Every mismatch in the content; found once per content load (the chat checks a figure asked about
    on each ITA question), a new list each call."""
    return list(data.memo(("check",), lambda: tuple(_check(data))))


def _check(data: ItaData) -> list[Mismatch]:
    found: list[Mismatch] = []
    for year in sorted(data.years):
        published = data.years[year].published
        result = year_result(data, year)

        def compare(figure: str, pub: object, comp: object, source: str = "") -> None:
            if str(pub) != str(comp):
                found.append(Mismatch(year, figure, str(pub), str(comp), source))

        compare("total", r2(published.total), result.total)
        compare("level", published.level, result.grade.level)
        computed_figures: dict[str, Decimal] = {"total": result.total}
        computed_figures.update({f"tools.{k}": r2(t.score) for k, t in result.tools.items()})
        for fig in published.figures:
            if fig.figure not in computed_figures:
                found.append(Mismatch(year, fig.figure, str(fig.value), "(not computed)", fig.source))
            else:
                compare(fig.figure, r2(fig.value), computed_figures[fig.figure], fig.source)
        if published.ranking and result.indicators:
            compare("ranking", published.ranking, [i.number for i in result.ranking])
        for number, level in published.indicator_levels.items():
            ind = result.indicator(number)
            compare(f"indicators.{number}.level", level, ind.level if ind else "(no such indicator)")
    return found

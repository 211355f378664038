"""Planning for next year's assessment: what a change of indicator scores does, and the smallest lift
of the weakest indicators that reaches a chosen level (the report's whole purpose is raising the score)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .compute import CENT, YearResult, year_result
from .data import ItaData

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Raise:
    number: int
    name: str
    before: Decimal
    after: Decimal

    @property
    def rise(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class Plan:
    year: int
    target_level: str
    threshold: Decimal
    reachable: bool
    floor: Decimal | None  # every indicator below this is lifted to it
    raises: tuple[Raise, ...]
    result: YearResult | None


def what_if(data: ItaData, year: int, changes: dict[int, Decimal]) -> YearResult:
    for number, score in changes.items():
        if not (0 <= score <= HUNDRED):
            raise ValueError(f"indicator {number}: a score must be between 0 and 100 (got {score})")
    return year_result(data, year, changes)


def next_level(data: ItaData, year: int, changes: dict[int, Decimal] | None = None) -> str | None:
    scale = data.scale_for(year)
    current = year_result(data, year, changes or {}).grade.level
    levels = [b.level for b in scale.bands]
    pos = levels.index(current)
    return levels[pos - 1] if pos > 0 else None


def plan_to_level(data: ItaData, year: int, level: str | None = None,
                  changes: dict[int, Decimal] | None = None) -> Plan:
    """Lift every indicator below a common floor up to it, with the lowest floor (to 0.01) that reaches `level`,
    starting from the published scores or from `changes` to them (the console's what-if inputs).

    Lifting the weakest first is what the report asks for; the floor keeps the plan one number to aim at.
    The plan from the published scores is searched once per content load (the chat's guidance gives it).
    """
    if not changes:
        return data.memo(("plan_to_level", year, level), lambda: _plan_to_level(data, year, level, {}))
    return _plan_to_level(data, year, level, changes)


def _plan_to_level(data: ItaData, year: int, level: str | None, changes: dict[int, Decimal]) -> Plan:
    start = dict(changes)
    base = year_result(data, year, start)
    if not base.detailed:
        raise ValueError(f"{year} has no indicator scores to plan with")
    scale = data.scale_for(year)
    target = level or next_level(data, year, start)
    if target is None:
        raise ValueError(f"{year} is already at the top level {base.grade.level}")
    band = next((b for b in scale.bands if b.level == target), None)
    if band is None:
        raise ValueError(f"unknown level {target!r}; levels are {', '.join(b.level for b in scale.bands)}")
    scores = {i.number: i.score for i in base.indicators}

    def lifted(floor: Decimal) -> dict[int, Decimal]:
        return {**start, **{n: floor for n, s in scores.items() if s < floor}}

    def reaches(floor: Decimal) -> bool:
        return year_result(data, year, lifted(floor)).total >= band.min

    if base.total >= band.min:
        return Plan(year, target, band.min, True, None, (), base)
    if not reaches(HUNDRED):
        return Plan(year, target, band.min, False, None, (), None)
    low, high = int(min(scores.values()) * 100), 10000  # in hundredths; reaches(high) holds
    while high - low > 1:
        mid = (low + high) // 2
        if reaches(Decimal(mid) * CENT):
            high = mid
        else:
            low = mid
    floor = Decimal(high) * CENT
    changes = lifted(floor)
    result = year_result(data, year, changes)
    raises = tuple(Raise(i.number, i.name, scores[i.number], floor)
                   for i in base.ranking[::-1] if scores[i.number] < floor)
    return Plan(year, target, band.min, True, floor, raises, result)

"""Yearly complaint statistics, the figures ITA asks offices to publish (counts by month, category and
status, and how long closing takes). Pure: takes rows, so the CLI, console and tests share it."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Protocol

from bot.thaitime import BE_OFFSET, local, parse_year


class Row(Protocol):
    category: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    rating: int | None
    reopened: int
    forwarded_agency: str | None


@dataclass(frozen=True)
class Period:
    """A calendar year, or a Thai fiscal year (1 October to 30 September, named by the year it ends)."""

    year: int  # Common Era
    fiscal: bool = False

    @classmethod
    def parse(cls, typed: str | int, fiscal: bool = False) -> "Period":
        """The year as a person typed it, in either era (bot.thaitime.parse_year); BadDate says why not."""
        return cls(parse_year(typed), fiscal)

    @property
    def start(self) -> date:
        return date(self.year - 1, 10, 1) if self.fiscal else date(self.year, 1, 1)

    @property
    def end(self) -> date:  # exclusive
        return date(self.year, 10, 1) if self.fiscal else date(self.year + 1, 1, 1)

    def months(self) -> list[str]:
        y, m, out = self.start.year, self.start.month, []
        while date(y, m, 1) < self.end:
            out.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def label(self) -> str:
        be = self.year + BE_OFFSET
        return f"ปีงบประมาณ {be}" if self.fiscal else f"ปี {be} ({self.year})"


def days(a: datetime, b: datetime) -> Decimal:
    return Decimal((b - a).total_seconds()) / Decimal(86400)


def summarise(rows: Iterable[Row], period: Period | None = None) -> dict:
    rows = [r for r in rows if period is None or period.start <= local(r.created_at).date() < period.end]
    by_month = Counter(f"{local(r.created_at):%Y-%m}" for r in rows)
    months = period.months() if period else sorted(by_month)
    closed = [r for r in rows if r.closed_at is not None]
    mean = (sum((days(r.created_at, r.closed_at) for r in closed), Decimal(0)) / len(closed)) if closed else None
    ratings = [r.rating for r in rows if getattr(r, "rating", None)]
    return {
        "period": period.label() if period else "ทั้งหมด",
        "total": len(rows),
        "by_month": {m: by_month.get(m, 0) for m in months},
        "by_category": dict(sorted(Counter(r.category for r in rows).items())),
        "by_status": dict(sorted(Counter(r.status for r in rows).items())),
        "closed": len(closed),
        "mean_days_to_close": float(mean.quantize(Decimal("0.01"), ROUND_HALF_UP)) if mean is not None else None,
        # the reporters' ratings of the handling (1-5), cases reopened as not solved, sent to other agencies
        "ratings": {"count": len(ratings), "mean": mean_of(ratings),
                    "by_rating": {str(n): ratings.count(n) for n in range(5, 0, -1)}},
        "reopened": sum(1 for r in rows if getattr(r, "reopened", 0)),
        "reopenings": sum(getattr(r, "reopened", 0) or 0 for r in rows),
        "forwarded_to_agencies": sum(1 for r in rows if getattr(r, "forwarded_agency", None)),
    }


def mean_of(values: list[int]) -> float | None:
    if not values:
        return None
    return float((Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP))

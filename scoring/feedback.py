"""Satisfaction feedback summarised the way EIT perception is: a mean on the answer scale, the share of
satisfied answers, the distribution, and the trend by month, plus a 0–100 score to set beside EIT's.

Pure (no database): takes rows with `rating` (1–5), `created_at` and optionally `kind` (praise,
suggestion, comment), so the CLI, the console and tests share it.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Iterable, Protocol

from .compute import r2

SCALE = (1, 2, 3, 4, 5)
SATISFIED = (4, 5)  # มาก, มากที่สุด
THAILAND = timezone(timedelta(hours=7))


class Row(Protocol):
    rating: int
    created_at: datetime


def month_of(dt: datetime) -> str:
    return f"{dt.astimezone(THAILAND):%Y-%m}" if dt.tzinfo else f"{dt:%Y-%m}"


def mean(ratings: list[int]) -> Decimal | None:
    return r2(Decimal(sum(ratings)) / len(ratings)) if ratings else None


def score_100(avg: Decimal | None) -> Decimal | None:
    """The mean on a 0–100 scale (1 → 0, 5 → 100), comparable with an EIT indicator score."""
    return None if avg is None else r2((avg - 1) / 4 * 100)


def summarise(rows: Iterable[Row], year: int | None = None) -> dict:
    """`year` (Common Era) keeps only that calendar year, Thailand time. What a person typed is read by
    the caller (bot.thaitime.parse_year, for either era): here a year is only ever CE."""
    if year is not None and not 1900 <= year <= 2200:
        raise ValueError(f"year {year} is not a Common Era year; read typed years with bot.thaitime.parse_year")
    rows = [r for r in rows if 1 <= r.rating <= 5]
    if year is not None:
        rows = [r for r in rows if month_of(r.created_at).startswith(f"{year}-")]
    ratings = [r.rating for r in rows]
    counts = Counter(ratings)
    avg = mean(ratings)
    months: dict[str, list[int]] = {}
    for r in sorted(rows, key=lambda r: r.created_at):
        months.setdefault(month_of(r.created_at), []).append(r.rating)
    return {
        "count": len(ratings),
        "mean": float(avg) if avg is not None else None,
        "score": float(score_100(avg)) if avg is not None else None,
        "satisfied_percent": float(r2(Decimal(sum(counts[n] for n in SATISFIED)) * 100 / len(ratings)))
        if ratings else None,
        "distribution": {n: counts.get(n, 0) for n in SCALE},
        "by_month": [{"month": m, "count": len(v), "mean": float(mean(v))} for m, v in months.items()],
        "comments": dict(sorted(Counter(getattr(r, "kind", None) for r in rows
                                        if getattr(r, "kind", None)).items())),
    }


def short_th(summary: dict) -> str:
    if not summary["count"]:
        return "ยังไม่มีผลประเมินความพึงพอใจ"
    return (f"ความพึงพอใจเฉลี่ย {summary['mean']:.2f} จาก 5 ({summary['score']:.2f} คะแนนจาก 100) "
            f"จาก {summary['count']} คำตอบ พึงพอใจมากถึงมากที่สุด {summary['satisfied_percent']:.2f}%")

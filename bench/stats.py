"""Pure helpers of the harness (no I/O): percentiles, summaries, the open-loop schedule."""
from __future__ import annotations

import math
from typing import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by linear interpolation between closest ranks, as numpy's default."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: Sequence[float]) -> dict:
    """p50/p99/max of durations given in seconds, in milliseconds rounded for a report."""
    if not seconds:
        return {"count": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    ms = [s * 1000 for s in seconds]
    return {"count": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2),
            "max_ms": round(max(ms), 2)}


def open_loop_schedule(rate: float, seconds: float) -> list[float]:
    """Send offsets (seconds from the start) of an open-loop generator: evenly spaced at `rate` a second.
    Latency is measured from these, not from when a sender got round to it, so a server that falls behind
    shows its queueing (no coordinated omission)."""
    if rate <= 0 or seconds <= 0:
        return []
    count = int(round(rate * seconds))
    return [i / rate for i in range(count)]


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return round(value / baseline, 2)

"""Dates as Thai readers expect them: Thailand time, Buddhist Era, short month names."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")  # no daylight saving
MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def local(dt: datetime) -> datetime:
    return dt.astimezone(BANGKOK)


def thai_datetime(dt: datetime) -> str:
    d = local(dt)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year + 543} {d:%H:%M} น."

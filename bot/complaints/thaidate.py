"""Dates and times as Thai readers expect them: Thailand time, Buddhist Era."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.handlers.common import thai_date

BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")  # no daylight saving


def local(dt: datetime) -> datetime:
    return dt.astimezone(BANGKOK)


def thai_datetime(dt: datetime) -> str:
    d = local(dt)
    return f"{thai_date(d)} {d:%H:%M} น."

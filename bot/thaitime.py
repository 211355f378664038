"""Thailand time and Thai dates, as people and the office's schedule use them (Asia/Bangkok, Buddhist Era)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]


def local(dt: datetime) -> datetime:
    return dt.astimezone(BANGKOK)


def thai_date(d: date) -> str:
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + 543}"


def thai_datetime(dt: datetime) -> str:
    d = local(dt)
    return f"{thai_date(d)} {d:%H:%M} น."

"""The console's Thai date and time picker: day, Thai month and Buddhist-era year as separate selects
(no ISO dates for people to type), read back into dates and Thailand times here."""
from __future__ import annotations

from datetime import date, datetime, time

from bot.thaitime import BANGKOK, THAI_MONTHS, local

BE = 543


class BadDate(ValueError):
    pass


def picker_values(today: date) -> dict:
    """Choices the picker template shows: days, months in Thai, BE years around today."""
    return {"days": list(range(1, 32)), "months": list(enumerate(THAI_MONTHS, start=1)),
            "years": [y + BE for y in range(today.year - 2, today.year + 3)],
            "hours": list(range(24)), "minutes": list(range(0, 60, 5))}


def read_date(form, name: str) -> date | None:
    """`name_d`, `name_m`, `name_y` (BE) → a date; None when all are empty; BadDate when impossible."""
    parts = [form.get(f"{name}_{p}", "").strip() for p in "dmy"]
    if not any(parts):
        return None
    try:
        d, m, y = (int(p) for p in parts)
        return date(y - BE if y > 2400 else y, m, d)
    except ValueError:
        raise BadDate("กรุณาเลือกวัน เดือน และปี พ.ศ. ให้ครบและเป็นวันที่มีจริง") from None


def read_datetime(form, name: str) -> datetime | None:
    """The date picker plus `name_hh` and `name_mm`, in Thailand time (aware)."""
    day = read_date(form, name)
    if day is None:
        return None
    try:
        hh, mm = int(form.get(f"{name}_hh", "9")), int(form.get(f"{name}_mm", "0"))
        return datetime.combine(day, time(hh, mm), tzinfo=BANGKOK)
    except ValueError:
        raise BadDate("กรุณาเลือกเวลาเป็นชั่วโมงและนาที") from None


def parse_be(text: str) -> date:
    """`2568-10-01` (Buddhist era, as on the command line) or a CE date; returns a CE date."""
    try:
        y, m, d = (int(p) for p in text.strip().split("-"))
        return date(y - BE if y > 2400 else y, m, d)
    except ValueError:
        raise BadDate(f"วันที่ต้องเป็น ปปปป-ดด-วว เช่น 2568-10-01 (ได้รับ {text!r})") from None


def picked(dt: datetime | date | None) -> dict:
    """Values that pre-select the picker for `dt`."""
    if dt is None:
        return {}
    if isinstance(dt, datetime):
        dt = local(dt)
        return {"d": dt.day, "m": dt.month, "y": dt.year + BE, "hh": dt.hour, "mm": dt.minute - dt.minute % 5}
    return {"d": dt.day, "m": dt.month, "y": dt.year + BE}

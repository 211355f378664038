"""The console's Thai date and time picker: day, Thai month and Buddhist-era year as separate selects
(no ISO dates for people to type), read back into dates and Thailand times here, by the same rules as
every date a person types (`bot.thaitime`)."""
from __future__ import annotations

from datetime import date, datetime, time

from bot.thaitime import BANGKOK, BE_OFFSET, THAI_MONTHS, BadDate, local, make_date, parse_date

BE = BE_OFFSET
__all__ = ["BE", "BadDate", "parse_be", "picked", "picker_values", "read_date", "read_datetime"]


def picker_values(today: date) -> dict:
    """Choices the picker template shows: days, months in Thai, BE years around today."""
    return {"days": list(range(1, 32)), "months": list(enumerate(THAI_MONTHS, start=1)),
            "years": [y + BE for y in range(today.year - 2, today.year + 3)],
            "hours": list(range(24)), "minutes": list(range(0, 60, 5))}


def read_date(form, name: str) -> date | None:
    """`name_d`, `name_m`, `name_y` (BE, or CE) → a date; None when all are empty; BadDate saying what is
    wrong (a missing part, a year out of range, a day that does not exist)."""
    parts = [form.get(f"{name}_{p}", "").strip() for p in "dmy"]
    if not any(parts):
        return None
    try:
        d, m, y = (int(p) for p in parts)
    except ValueError:
        raise BadDate("กรุณาเลือกวัน เดือน และปี พ.ศ. ให้ครบ") from None
    return make_date(y, m, d)


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
    """A typed day, `2568-10-01` (Buddhist era) or a CE date (`bot.thaitime.parse_date`)."""
    return parse_date(text)


def picked(dt: datetime | date | None) -> dict:
    """Values that pre-select the picker for `dt`."""
    if dt is None:
        return {}
    if isinstance(dt, datetime):
        dt = local(dt)
        return {"d": dt.day, "m": dt.month, "y": dt.year + BE, "hh": dt.hour, "mm": dt.minute - dt.minute % 5}
    return {"d": dt.day, "m": dt.month, "y": dt.year + BE}

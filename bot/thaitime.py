"""Thailand time and Thai dates, as people and the office's schedule use them (Asia/Bangkok, Buddhist Era).

Every date, time or year a person types (the command line's options, the console's fields) is read here,
so that a Buddhist-era year is understood the same way everywhere: staff write 2569 as often as 2026, and
a BE year stored as CE would put an announcement 543 years away. Thai digits (๒๕๖๙) are read as digits,
and a year field also takes the two-digit Buddhist-era year offices write ("69" is 2569); a date's year
takes four digits, since "01-02-03" could be read in either order."""
from __future__ import annotations

import argparse
import re
from datetime import date, datetime, time
from typing import Callable, TypeVar
from zoneinfo import ZoneInfo

from bot.core.thai import THAI_DIGITS

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
BE_OFFSET = 543
# The years a person can mean: CE 1957–2157, or the same years in BE (2500–2700). The two ranges do not
# overlap, so a year tells its own era; anything else (3112 is a BE year converted twice) is refused.
CE_YEARS = range(1957, 2158)
BE_YEARS = range(CE_YEARS.start + BE_OFFSET, CE_YEARS.stop + BE_OFFSET)

_DATE = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"  # year first: 3/6/2030 is read differently by different people
_TIME = r"(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2}))?"

T = TypeVar("T")


class BadDate(ValueError):
    """A date, time or year a person typed that cannot be read; the message says why, in Thai."""


def local(dt: datetime) -> datetime:
    return dt.astimezone(BANGKOK)


def thai_date(d: date) -> str:
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + BE_OFFSET}"


def thai_datetime(dt: datetime) -> str:
    d = local(dt)
    return f"{thai_date(d)} {d:%H:%M} น."


def be_stamp(dt: datetime) -> str:
    """'2569-12-08 09:00': a Thailand time in the shape staff type it, for tables."""
    d = local(dt)
    return f"{d.year + BE_OFFSET}-{d:%m-%d %H:%M}"


def _example_years() -> str:
    this = datetime.now(BANGKOK).year
    return f"เช่น {this + BE_OFFSET} (หรือปี ค.ศ. เช่น {this})"


def ce_year(year: int) -> int:
    """A year as a person gave it, Buddhist era (2569) or Common Era (2026), as CE; BadDate otherwise."""
    if year in CE_YEARS:
        return year
    if year in BE_YEARS:
        return year - BE_OFFSET
    raise BadDate(f"ปี {year} อยู่นอกช่วงที่ใช้ได้ กรุณาระบุปี พ.ศ. {BE_YEARS.start}–{BE_YEARS.stop - 1} "
                  f"{_example_years()}")


def make_date(year: int, month: int, day: int) -> date:
    """A date from a year in either era; BadDate naming what is wrong (the year, or a day that does not exist)."""
    ce = ce_year(year)
    if not 1 <= month <= 12:
        raise BadDate(f"เดือน {month} ไม่ถูกต้อง กรุณาระบุเดือน 1–12")
    try:
        return date(ce, month, day)
    except ValueError:
        raise BadDate(f"ไม่มีวันที่ {day} {THAI_MONTHS[month - 1]} {ce + BE_OFFSET} กรุณาตรวจสอบวันที่") from None


def _typed(text: str | int) -> str:
    return str(text).strip().translate(THAI_DIGITS)


def parse_year(text: str | int) -> int:
    """A typed year as CE: '2569', '2026', '๒๕๖๙' or the short BE '69'."""
    typed = _typed(text)
    if not typed.isascii() or not typed.isdigit():
        raise BadDate(f"ปี {str(text)!r} ต้องเป็นตัวเลข {_example_years()}")
    year = int(typed)
    return ce_year(BE_YEARS.start + year if len(typed) == 2 else year)


def parse_be_year(text: str | int) -> int:
    """A typed year ('2569' or '2026') as its Buddhist-era number, the way fiscal years are named."""
    return parse_year(text) + BE_OFFSET


def parse_date(text: str) -> date:
    """A typed date: '2569-12-08' (BE) or '2026-12-08' (CE), as a CE date."""
    m = re.fullmatch(_DATE, _typed(text), re.ASCII)
    if m:
        return make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    raise BadDate(f"วันที่ {text!r} ไม่ถูกรูปแบบ กรุณาระบุเป็น ปปปป-ดด-วว เช่น 2569-12-08 (ปี พ.ศ. หรือ ค.ศ.)")


def parse_datetime(text: str) -> datetime:
    """A typed Thailand time: '2569-12-08T09:00' or '2569-12-08 09:00[:00]' (BE or CE year), as an aware
    datetime in Asia/Bangkok."""
    m = re.fullmatch(f"{_DATE}(?:T|\\s+){_TIME}", _typed(text), re.ASCII)
    if m:
        on = make_date(int(m["y"]), int(m["m"]), int(m["d"]))
        try:
            at = time(int(m["hh"]), int(m["mm"]), int(m["ss"] or 0))
        except ValueError:
            raise BadDate(f"เวลา {m['hh']}:{m['mm']} ไม่ถูกต้อง กรุณาระบุชั่วโมง 0–23 และนาที 0–59") from None
        return datetime.combine(on, at, tzinfo=BANGKOK)
    raise BadDate(f"เวลา {text!r} ไม่ถูกรูปแบบ กรุณาระบุเป็น ปปปป-ดด-ววTชช:นน เช่น 2569-12-08T09:00 "
                  "(ปี พ.ศ. หรือ ค.ศ., เวลาประเทศไทย)")


def argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """`parse` as an argparse `type`: a bad value is refused with its Thai reason (exit status 2)."""
    def typed(text: str) -> T:
        try:
            return parse(text)
        except BadDate as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    typed.__name__ = parse.__name__
    return typed

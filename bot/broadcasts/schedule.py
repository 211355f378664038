"""When an announcement goes: staff's times are Asia/Bangkok wall-clock times, stored in UTC; recurrences are
standard five-field crontab expressions turned into APScheduler 3 triggers, so the scheduler process and
the due-job function compute the very same occurrences."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.thaitime import BANGKOK, BadDate, parse_datetime, thai_datetime

from .errors import InvalidAnnouncement

# An announcement repeated more often than this would flood followers (and LINE's broadcast endpoint
# accepts 60 requests an hour), so a recurrence must leave at least this much between occurrences.
MIN_INTERVAL = timedelta(hours=1)

_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_TICK = timedelta(microseconds=1)


def show(dt: datetime | None) -> str:
    """A time as staff read it: '8 ธันวาคม 2569 09:00 น. (เวลาประเทศไทย)'."""
    return f"{thai_datetime(dt)} (เวลาประเทศไทย)" if dt else "-"


def parse_at(text: str, now: datetime) -> datetime:
    """A typed Thailand time (`bot.thaitime.parse_datetime`: BE or CE year), as an aware UTC datetime
    strictly after `now`."""
    try:
        when = parse_datetime(text).astimezone(timezone.utc)
    except BadDate as exc:
        raise InvalidAnnouncement(str(exc)) from None
    if when <= now:
        raise InvalidAnnouncement(f"เวลา {show(when)} ผ่านไปแล้ว กรุณาระบุเวลาในอนาคต "
                                  f"(ขณะนี้ {show(now)}) หรือใช้คำสั่ง send-now เพื่อส่งทันที")
    return when


def _day(token: str) -> int:
    token = token.lower()
    if token in _DAY_NAMES:
        return _DAY_NAMES.index(token)
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token)  # 7 is Sunday too; ranges such as 5-7 are taken modulo 7 below
    raise ValueError(f"วันในสัปดาห์ {token!r} ไม่ถูกต้อง (ใช้ 0-7 โดย 0 และ 7 คือวันอาทิตย์ หรือ sun-sat)")


def _weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) as APScheduler 3 day names: APScheduler 3 counts
    0 as Monday, so passing numbers through would move every weekly announcement by a day."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        m = re.fullmatch(r"(\*|[A-Za-z]{3}|\d)(?:-([A-Za-z]{3}|\d))?(?:/(\d+))?", part)
        if not m:
            raise ValueError(f"วันในสัปดาห์ {part!r} ไม่ถูกต้อง")
        start, end, step = m.group(1), m.group(2), int(m.group(3) or 1)
        if step < 1:
            raise ValueError(f"ช่วงห่าง {part!r} ต้องมากกว่า 0")
        if start == "*":
            lo, hi = 0, 6
        else:
            lo = _day(start)
            hi = _day(end) if end else (6 if m.group(3) else lo)
            if hi < lo:
                raise ValueError(f"ช่วงวัน {part!r} ต้องเรียงจากน้อยไปมาก")
        days.update(d % 7 for d in range(lo, hi + 1, step))
    return "*" if len(days) == 7 else ",".join(_DAY_NAMES[d] for d in sorted(days, key=lambda d: (d + 6) % 7))


@dataclass(frozen=True)
class Cron:
    expression: str

    def trigger(self, start: datetime | None = None) -> CronTrigger:
        minute, hour, day, month, dow = self.expression.split()
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=_weekdays(dow),
                           start_date=start, timezone=BANGKOK)


def parse_cron(expression: str, now: datetime) -> Cron:
    """A checked crontab expression (`m h dom mon dow`, Asia/Bangkok) that fires, and not too often."""
    fields = expression.split()
    if len(fields) != 5:
        raise InvalidAnnouncement(f"รูปแบบการประกาศซ้ำ {expression!r} ต้องมี 5 ช่อง: นาที ชั่วโมง วันที่ เดือน "
                                  "วันในสัปดาห์ เช่น \"0 9 * * 1\" คือทุกวันจันทร์ 09:00 น.")
    if fields[2] != "*" and fields[4] != "*":
        raise InvalidAnnouncement("กรุณาระบุอย่างใดอย่างหนึ่ง: วันที่ของเดือน (ช่องที่ 3) หรือวันในสัปดาห์ (ช่องที่ 5) "
                                  "เพราะเมื่อระบุทั้งสองอย่าง cron แต่ละระบบตีความต่างกัน")
    cron = Cron(" ".join(fields))
    try:
        trigger = cron.trigger()
    except ValueError as exc:
        raise InvalidAnnouncement(f"รูปแบบการประกาศซ้ำ {expression!r} ไม่ถูกต้อง: {exc}") from None
    first = trigger.get_next_fire_time(None, now)
    if first is None:
        raise InvalidAnnouncement(f"รูปแบบการประกาศซ้ำ {expression!r} ไม่ตรงกับวันใดเลย")
    times = [first]
    for _ in range(8):
        nxt = trigger.get_next_fire_time(times[-1], times[-1])
        if nxt is None:
            break
        times.append(nxt)
    gaps = [b - a for a, b in zip(times, times[1:])]
    if gaps and min(gaps) < MIN_INTERVAL:
        minutes = int(min(gaps).total_seconds() // 60)
        raise InvalidAnnouncement(f"การประกาศซ้ำ {expression!r} ถี่เกินไป (ห่างกันเพียง {minutes} นาที) "
                                  "กรุณาตั้งให้ห่างกันอย่างน้อย 1 ชั่วโมง")
    return cron


def trigger_for(run_at: datetime | None, cron: str | None, schedule_from: datetime):
    """The APScheduler trigger of an announcement's schedule."""
    if cron:
        return Cron(cron).trigger(start=schedule_from + _TICK)
    return DateTrigger(run_date=run_at, timezone=BANGKOK)


def latest_fire_time(cron: str, after: datetime, until: datetime) -> datetime | None:
    """The last occurrence of `cron` in (after, until]: several missed periods coalesce into this one."""
    trigger = Cron(cron).trigger()
    t = trigger.get_next_fire_time(None, after + _TICK)
    latest = None
    while t is not None and t <= until:
        latest = t
        t = trigger.get_next_fire_time(t, t)
    return latest.astimezone(timezone.utc) if latest else None


def next_fire_time(cron: str, after: datetime) -> datetime | None:
    t = Cron(cron).trigger().get_next_fire_time(None, after + _TICK)
    return t.astimezone(timezone.utc) if t else None

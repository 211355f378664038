"""Complaint deadlines in working days: weekends and the public holidays of `content/holidays.yaml`
do not count (acknowledge within `acknowledge_days`, resolve within each category's `resolve_days`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from bot.core.lazy import built_once
from bot.thaitime import local
from scoring.model import Strict
from scoring.yamlfile import load_model

from . import content as cc

if TYPE_CHECKING:
    from bot.services import Services


class HolidaysFile(Strict):
    sample: bool = False
    holidays: dict[date, str] = Field(default_factory=dict)


def holidays(services: Services) -> dict[date, str]:
    def load() -> dict[date, str]:
        path = Path(services.content.directory) / "holidays.yaml"
        return load_model(path, HolidaysFile).holidays if path.exists() else {}

    return built_once(services, "holidays", load)


def is_working_day(services: Services, day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(services)


def add_working_days(services: Services, start: date, days: int) -> date:
    """The day `days` working days after `start` (a complaint filed on a holiday starts counting next day)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(services, day):
            days -= 1
    return day


def working_days_between(services: Services, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(services, day)
    return count


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: date
    resolve_by: date
    acknowledged: bool
    overdue: bool
    # working days: left before the deadline now running (open cases), and how late an overdue one is
    days_left: int | None = None
    late_days: int = 0

    @property
    def overdue_what(self) -> str:
        return "" if not self.overdue else ("เกินกำหนดรับเรื่อง" if not self.acknowledged else "เกินกำหนดแล้วเสร็จ")

    @property
    def due(self) -> date:
        """The deadline now running: acknowledging until it is done, then resolving."""
        return self.acknowledge_by if not self.acknowledged else self.resolve_by

    @property
    def time_left(self) -> str:
        """What staff read beside a case."""
        if self.days_left is None:
            return ""
        if self.overdue:
            return f"{self.overdue_what} {self.late_days} วันทำการ"
        return "ครบกำหนดวันนี้" if self.days_left == 0 else f"เหลือ {self.days_left} วันทำการ"


def of(services: Services, complaint, now: datetime) -> Deadlines:
    content = cc.of(services)
    filed = local(complaint.created_at).date()
    try:
        resolve_days = content.category(complaint.category).resolve_days
    except KeyError:
        resolve_days = max(c.resolve_days for c in content.categories)
    ack = add_working_days(services, filed, content.acknowledge_days)
    resolve = add_working_days(services, filed, resolve_days)
    today = local(now).date()
    acknowledged = complaint.status != "received"
    closed = complaint.closed_at is not None
    overdue = not closed and ((not acknowledged and today > ack) or today > resolve)
    if closed:
        return Deadlines(ack, resolve, acknowledged, overdue)
    late_on = ack if not acknowledged and today > ack else resolve
    due = ack if not acknowledged and not overdue else resolve
    return Deadlines(ack, resolve, acknowledged, overdue,
                     days_left=working_days_between(services, today, due) if not overdue else 0,
                     late_days=max(1, working_days_between(services, late_on, today)) if overdue else 0)

"""Repeats staff choose in words ("ทุกวัน", "ทุกสัปดาห์ วันจันทร์", "ทุกเดือน วันที่ 1") turned into the
scheduler's crontab form, and back into words for lists."""
from __future__ import annotations

import re

WEEKDAYS_TH = ["วันอาทิตย์", "วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์"]  # cron 0..6
MONTH_DAYS = range(1, 29)  # up to 28 so every month has the day
CHOICES = {"none": "ส่งครั้งเดียว", "daily": "ทุกวัน", "weekly": "ทุกสัปดาห์", "monthly": "ทุกเดือน"}


def to_cron(repeat: str, hour: int, minute: int, weekday: int | None = None, month_day: int | None = None) -> str:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError("เวลาไม่ถูกต้อง")
    if repeat == "daily":
        return f"{minute} {hour} * * *"
    if repeat == "weekly":
        if weekday is None or not 0 <= weekday <= 6:
            raise ValueError("กรุณาเลือกวันในสัปดาห์")
        return f"{minute} {hour} * * {weekday}"
    if repeat == "monthly":
        if month_day not in MONTH_DAYS:
            raise ValueError("กรุณาเลือกวันที่ 1–28 ของเดือน")
        return f"{minute} {hour} {month_day} * *"
    raise ValueError("กรุณาเลือกการส่งซ้ำ")


def in_words(cron: str | None) -> str:
    """'ทุกวันจันทร์ เวลา 09:00 น.' for the forms `to_cron` makes; the expression itself otherwise."""
    if not cron:
        return ""
    m = re.fullmatch(r"(\d+) (\d+) (\*|\d+) \* (\*|\d)", cron.strip())
    if not m:
        return f"ตามรูปแบบ {cron}"
    minute, hour, dom, dow = m.groups()
    at = f"เวลา {int(hour):02d}:{int(minute):02d} น."
    if dom == "*" and dow == "*":
        return f"ทุกวัน {at}"
    if dom == "*":
        return f"ทุก{WEEKDAYS_TH[int(dow) % 7]} {at}"
    return f"ทุกเดือน วันที่ {dom} {at}"

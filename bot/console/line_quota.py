"""Console page of LINE's message quota: this month's limit and use (the Messaging API's quota endpoints),
and how many messages went by reply (free) against push (counted against the quota) this month, from
LINE's own daily delivery counts. Announcements read `remaining()` to warn before a send that would not fit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, current_app, render_template

from bot.channels.line_account import Quota, line_on, message_quota, sent_messages
from bot.storage import utcnow
from bot.thaitime import local

from .auth import staff_required

bp = Blueprint("console_line_quota", __name__, url_prefix="/console/line-quota", template_folder="templates")
LINKS = [("console_line_quota.index", "โควตาข้อความ LINE", ("admin", "staff"))]


@dataclass(frozen=True)
class ReplyShare:
    reply: int
    push: int
    days: int  # days of this month LINE has counted (each day is ready the day after)
    missing: int  # days LINE gave no count for (under 20 messages, or not asked)

    @property
    def reply_percent(self) -> float | None:
        total = self.reply + self.push
        return None if not total else 100 * self.reply / total


def month_days(today: date) -> list[date]:
    """The days of this month before today (Thailand), which LINE has counted."""
    return [today.replace(day=d) for d in range(1, today.day)]


def reply_share(settings, today: date) -> ReplyShare:
    reply = push = missing = 0
    days = month_days(today)
    for day in days:
        r, p = sent_messages(settings, "reply", day), sent_messages(settings, "push", day)
        if r is None and p is None:
            missing += 1
        reply, push = reply + (r or 0), push + (p or 0)
    return ReplyShare(reply, push, len(days), missing)


def quota() -> Quota | None:
    settings = current_app.extensions["settings"]
    return message_quota(settings) if line_on(settings) else None


@bp.get("/")
@staff_required(roles=("admin", "staff"))
def index():
    settings = current_app.extensions["settings"]
    today = local(utcnow()).date()
    on = line_on(settings)
    return render_template("console/line_quota.html", on=on, quota=message_quota(settings) if on else None,
                           share=reply_share(settings, today) if on else None, today=today,
                           month_end=(today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))

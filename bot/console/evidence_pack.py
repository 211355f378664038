"""The ITA evidence pack: what an office publishes about its complaint channels for a fiscal year
(October to September, Buddhist era) or part of it — complaints and corruption reports apart, by month
and status, median days to close, satisfaction, and its two-way Q&A channel (live chat and the bot).

One `build()` feeds the console page, the printable HTML and `python -m bot evidence`."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from flask import Blueprint, current_app, render_template, request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from bot.complaints import content as cc
from bot.complaints.models import Complaint
from bot.feedback.models import Feedback
from bot.thaitime import BANGKOK, THAI_MONTHS, local, thai_date
from scoring import feedback as feedback_scoring

from . import audit
from .auth import person, staff_required
from .inbox import corruption_categories
from .thaidates import BE, BadDate, parse_be

if TYPE_CHECKING:
    from bot.services import Services

bp = Blueprint("console_evidence", __name__, url_prefix="/console", template_folder="templates")
LINKS = [("console_evidence.page", "หลักฐาน ITA", ("admin", "staff", "integrity"))]
DONE = ("resolved", "rejected")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[date, date]:
    """Fiscal year 2569 runs 1 October 2568 to 30 September 2569 (end returned exclusive)."""
    ce = fiscal_year_be - BE
    return date(ce - 1, 10, 1), date(ce, 10, 1)


def months_between(start: date, end: date) -> list[tuple[int, int]]:
    y, m, out = start.year, start.month, []
    while date(y, m, 1) < end:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_label(y: int, m: int) -> str:
    return f"{THAI_MONTHS[m - 1]} {y + BE}"


def _at(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=BANGKOK)


def _counts(rows: list, months: list[tuple[int, int]]) -> dict:
    by_month = []
    for y, m in months:
        in_month = [r for r in rows if (local(r.created_at).year, local(r.created_at).month) == (y, m)]
        by_month.append({"month": f"{y + BE}-{m:02d}", "label": month_label(y, m), "total": len(in_month),
                         "completed": sum(r.status in DONE for r in in_month),
                         "in_progress": sum(r.status not in DONE for r in in_month)})
    closed = [(r.closed_at - r.created_at).total_seconds() / 86400 for r in rows if r.closed_at]
    return {"total": len(rows), "completed": sum(r.status in DONE for r in rows),
            "in_progress": sum(r.status not in DONE for r in rows),
            "by_status": {s: sum(r.status == s for r in rows) for s in ("received", "in_progress", *DONE)},
            "median_days_to_close": round(median(closed), 1) if closed else None,
            "by_month": by_month}


def build(services: Services, start: date, end: date, fiscal_year: int | None = None) -> dict:
    """Figures for complaints filed from `start` up to `end` (exclusive), Thailand dates."""
    from bot.livechat import stats as livechat_stats

    lo, hi = _at(start), _at(end)
    corruption = corruption_categories(services)
    with services.db.session() as s:
        rows = list(s.scalars(select(Complaint).where(Complaint.created_at >= lo, Complaint.created_at < hi)))
        feedback = list(s.scalars(select(Feedback).where(Feedback.created_at >= lo, Feedback.created_at < hi)))
    months = months_between(start, end)
    sat = feedback_scoring.summarise(feedback)
    office = services.content.office
    return {
        "office": office.name,
        "fiscal_year": fiscal_year,
        "from": start.isoformat(), "to": end.isoformat(),
        "period_th": f"{thai_date(start)} ถึง {thai_date(date.fromordinal(end.toordinal() - 1))}",
        "complaints": _counts([r for r in rows if r.category not in corruption], months),
        "corruption": _counts([r for r in rows if r.category in corruption], months),
        "satisfaction": {"count": sat["count"], "mean": sat["mean"], "score": sat["score"],
                         "satisfied_percent": sat["satisfied_percent"], "distribution": sat["distribution"]},
        "qa": livechat_stats.summary(services, lo, hi),
        "categories": {c.id: c.label for c in cc.of(services).categories},
    }


def period_from(fiscal_year: int | None, since: str | None, until: str | None) -> tuple[date, date, int | None]:
    """A BE fiscal year, optionally narrowed by BE dates (`until` inclusive)."""
    if fiscal_year is not None and not 2500 <= fiscal_year <= 2700:
        raise BadDate("ปีงบประมาณต้องเป็น พ.ศ. เช่น 2569")
    start, end = fiscal_year_bounds(fiscal_year) if fiscal_year else (None, None)
    if since:
        start = parse_be(since)
    if until:
        end = date.fromordinal(parse_be(until).toordinal() + 1)
    if start is None or end is None:
        raise BadDate("กรุณาระบุปีงบประมาณ หรือทั้งวันเริ่มต้นและวันสิ้นสุด")
    if end <= start:
        raise BadDate("วันสิ้นสุดต้องอยู่หลังวันเริ่มต้น")
    return start, end, fiscal_year


def to_csv(pack: dict) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["ช่องทาง", "เดือน", "ทั้งหมด", "ดำเนินการแล้วเสร็จ", "อยู่ระหว่างดำเนินการ"])
    for key, name in (("complaints", "เรื่องร้องเรียนทั่วไป"), ("corruption", "เรื่องร้องเรียนการทุจริต")):
        for m in pack[key]["by_month"]:
            w.writerow([name, m["month"], m["total"], m["completed"], m["in_progress"]])
        w.writerow([name, "รวม", pack[key]["total"], pack[key]["completed"], pack[key]["in_progress"]])
    sat = pack["satisfaction"]
    w.writerow(["ความพึงพอใจ", "จำนวนคำตอบ", sat["count"], "ค่าเฉลี่ย", sat["mean"] if sat["mean"] is not None else ""])
    qa = pack["qa"]
    w.writerow(["ถาม-ตอบ", "แชทกับเจ้าหน้าที่", qa["live_chats"], "คำถามที่ตอบโดยระบบอัตโนมัติ", qa["bot_answers"]])
    return out.getvalue()


def document_env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env


def to_html(pack: dict) -> str:
    """The printable document (the same the console's print link shows): no console chrome."""
    return document_env().get_template("console/evidence_doc.html").render(p=pack)


@bp.get("/evidence")
@staff_required
def page():
    args = request.args
    fy = args.get("fiscal_year", type=int) or current_fiscal_year()
    try:
        start, end, fy = period_from(fy, args.get("from") or None, args.get("to") or None)
    except BadDate as exc:
        return render_template("console/message.html", message=str(exc)), 400
    pack = build(current_app.extensions["services"], start, end, fy)
    fmt = args.get("format", "")
    if fmt in ("html", "csv"):
        audit.log(current_app.extensions["services"], person().username, "evidence_exported",
                  detail=f"{fmt} {pack['from']}..{pack['to']}")
    if fmt == "html":
        return to_html(pack)
    if fmt == "csv":
        return to_csv(pack), 200, {"Content-Type": "text/csv; charset=utf-8",
                                   "Content-Disposition": f'attachment; filename="ita-evidence-{fy or "period"}.csv"'}
    return render_template("console/evidence.html", p=pack, fy=fy, args=args,
                           years=list(range(current_fiscal_year() - 3, current_fiscal_year() + 1)))


def current_fiscal_year() -> int:
    today = local(datetime.now(BANGKOK)).date()
    return today.year + BE + (1 if today.month >= 10 else 0)

"""The ITA evidence pack: what an office publishes about its complaint channels for a fiscal year
(October to September, Buddhist era) or part of it, under the ITA items of that year's assessment
(content/ita/evidence_items.yaml) — corruption reports apart from general complaints, by month, quarter
and half year; the guideline and channel pages; use of the e-service and Q&A; satisfaction ratings.

One `build()` feeds the console page, the printable HTML, CSV, XLSX and `python -m bot evidence`."""
from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from flask import Blueprint, current_app, render_template, request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from bot.complaints import content as cc
from bot.complaints.models import Complaint
from bot.content.evidence_items import SECTIONS
from bot.feedback.models import Feedback
from bot.thaitime import BANGKOK, THAI_MONTHS, local, thai_date
from scoring import feedback as feedback_scoring

from . import audit
from .auth import person, staff_required
from .evidence_export import NONE, to_csv, to_xlsx
from .inbox import corruption_categories
from .thaidates import BE, BadDate, parse_be

if TYPE_CHECKING:
    from bot.services import Services

bp = Blueprint("console_evidence", __name__, url_prefix="/console", template_folder="templates")
ROLES = ("admin", "integrity")
"""The pack counts corruption reports by month: not for general staff, among whom the accused may sit."""
LINKS = [("console_evidence.page", "หลักฐาน ITA", ROLES)]
DONE = ("resolved", "rejected")
COMPLAINT_TOPICS = ("complaint", "track")
"""Intents of a conversation about a complaint: a rating given in one is counted as about complaints."""
EXPORTS = ("html", "csv", "xlsx")
QA_KEYS = ("bot_answers", "live_chats", "citizen_messages", "answered", "median_minutes_to_answer")
__all__ = ["build", "period_from", "to_csv", "to_html", "to_xlsx", "NONE"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[date, date]:
    """Fiscal year 2569 runs 1 October 2568 to 30 September 2569 (end returned exclusive)."""
    ce = fiscal_year_be - BE
    return date(ce - 1, 10, 1), date(ce, 10, 1)


def fiscal_year_of(d: date) -> int:
    return d.year + BE + (1 if d.month >= 10 else 0)


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


def _tally(rows: list) -> dict:
    return {"total": len(rows), "completed": sum(r.status in DONE for r in rows),
            "in_progress": sum(r.status not in DONE for r in rows)}


def _grouped(rows: list, months: list[tuple[int, int]], key, label) -> list[dict]:
    """Months gathered by `key` (a fiscal quarter or half), in order; a group's label names its months."""
    groups: dict = {}
    for ym in months:
        groups.setdefault(key(*ym), []).append(ym)
    out = []
    for k, yms in groups.items():
        inside = [r for r in rows if (local(r.created_at).year, local(r.created_at).month) in yms]
        span = month_label(*yms[0]) + (f"–{month_label(*yms[-1])}" if len(yms) > 1 else "")
        out.append({"fiscal_year": k[0], "number": k[1], "label": f"{label(k[1])} ปีงบประมาณ {k[0]} ({span})",
                    "months": len(yms), **_tally(inside)})
    return out


def _quarter(y: int, m: int) -> tuple[int, int]:
    """Fiscal quarters: October–December is the first."""
    return fiscal_year_of(date(y, m, 1)), (m - 10) // 3 + 1 if m >= 10 else (m - 1) // 3 + 2


def _half(y: int, m: int) -> tuple[int, int]:
    """October–March is the first half, the ITA's six-month round."""
    return fiscal_year_of(date(y, m, 1)), 1 if m >= 10 or m <= 3 else 2


def _counts(rows: list, months: list[tuple[int, int]]) -> dict:
    by_month = []
    for y, m in months:
        in_month = [r for r in rows if (local(r.created_at).year, local(r.created_at).month) == (y, m)]
        by_month.append({"month": f"{y + BE}-{m:02d}", "label": month_label(y, m), **_tally(in_month)})
    halves = _grouped(rows, months, _half, lambda n: "ครึ่งปีแรก (รอบ 6 เดือน)" if n == 1 else "ครึ่งปีหลัง")
    closed = [(r.closed_at - r.created_at).total_seconds() / 86400 for r in rows if r.closed_at]
    return {**_tally(rows),
            "by_status": {s: sum(r.status == s for r in rows) for s in ("received", "in_progress", *DONE)},
            "median_days_to_close": round(median(closed), 1) if closed else None,
            "by_month": by_month,
            "by_quarter": _grouped(rows, months, _quarter, lambda n: f"ไตรมาสที่ {n}"),
            "by_half": halves,
            "first_half": next((h for h in halves if h["number"] == 1), None)}


def _ratings(feedback: list) -> dict:
    """Every rating of the period, and those given in a conversation about a complaint (filing or
    tracking one, or answering the closing notice): a rating is not tied to a case, so that is the
    nearest the bot knows to satisfaction with handled cases."""
    def short(rows):
        s = feedback_scoring.summarise(rows)
        return {"count": s["count"], "mean": s["mean"]}

    sat = feedback_scoring.summarise(feedback)
    about = [f for f in feedback if (f.topic or "").split(".")[0] in COMPLAINT_TOPICS]
    return {"count": sat["count"], "mean": sat["mean"], "score": sat["score"],
            "satisfied_percent": sat["satisfied_percent"], "distribution": sat["distribution"],
            "about_complaints": short(about)}


def _online(services: Services, rows: list, lo: datetime, hi: datetime) -> dict:
    """Use of the e-service and the two-way Q&A: every complaint here was filed through a chat channel."""
    from bot.channels.registry import CHANNELS
    from bot.livechat import stats as livechat_stats

    qa = livechat_stats.summary(services, lo, hi)
    online = [r for r in rows if r.channel in CHANNELS]
    return {**qa, "complaints_filed_online": len(online),
            "by_channel": {label: sum(r.channel == name for r in online) for name, (_, label) in CHANNELS.items()}}


def _contacts(office) -> dict:
    return {"name": office.name, "address": office.address.text, "phone": office.phone,
            "website": office.website, "hours": office.hours.text,
            "channels": [{"name": c.name, "address": c.address} for c in office.channels]}


def _items(content, fiscal_year: int) -> dict:
    listing = content.evidence_items.for_year(fiscal_year) if content.evidence_items else None
    if listing is None:
        return {"items_year": None, "items_sample": False, "items": [], "pages": {}}
    year, chosen = listing
    pages = content.evidence_items.pages
    return {"items_year": year, "items_sample": chosen.sample or any(i.sample for i in chosen.items),
            "items": [{"number": i.number, "title": i.title, "needs": i.needs, "answered_by": list(i.answered_by)}
                      for i in chosen.items],
            "pages": {k: {"title": p.title, "url": p.url, "sample": p.sample} for k, p in pages.items()}}


def build(services: Services, start: date, end: date, fiscal_year: int | None = None) -> dict:
    """Figures for complaints filed from `start` up to `end` (exclusive), Thailand dates, under the ITA
    items of the assessment year (`fiscal_year`, else the one `end` falls in)."""
    lo, hi = _at(start), _at(end)
    corruption = corruption_categories(services)
    with services.db.session() as s:
        rows = list(s.scalars(select(Complaint).where(Complaint.created_at >= lo, Complaint.created_at < hi)))
        feedback = list(s.scalars(select(Feedback).where(Feedback.created_at >= lo, Feedback.created_at < hi)))
    months = months_between(start, end)
    last_day = date.fromordinal(end.toordinal() - 1)
    content = services.content
    return {
        "office": content.office.name,
        "fiscal_year": fiscal_year,
        "from": start.isoformat(), "to": end.isoformat(),
        "period_th": f"{thai_date(start)} ถึง {thai_date(last_day)}",
        "made_th": thai_date(local(datetime.now(BANGKOK)).date()),
        **_items(content, fiscal_year or fiscal_year_of(last_day)),
        "corruption": _counts([r for r in rows if r.category in corruption], months),
        "complaints": _counts([r for r in rows if r.category not in corruption], months),
        "contacts": _contacts(content.office),
        "online": (online := _online(services, rows, lo, hi)),
        "qa": {k: online[k] for k in QA_KEYS},  # the two-way Q&A alone, as before the items
        "ratings": _ratings(feedback),
        "categories": {c.id: c.label for c in cc.of(services).categories},
    }


def layout(pack: dict) -> dict:
    """Each item with its sections, a section shown in full under the first item that names it (later
    ones point there); sections no item names follow as other figures."""
    first: dict[str, str] = {}
    items = []
    for item in pack["items"]:
        items.append({**item, "sections": [(s, first.setdefault(s, item["number"])) for s in item["answered_by"]]})
    return {"items": items, "others": [s for s in SECTIONS if s not in first and s not in ("guideline", "channel")]}


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


def document_env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env


def to_html(pack: dict) -> str:
    """The printable document (the same the console's print link shows): no console chrome."""
    return document_env().get_template("console/evidence_doc.html").render(p=pack, layout=layout(pack),
                                                                          sections=SECTIONS, zero_text=NONE)


@bp.get("/evidence")
@staff_required(roles=ROLES)
def page():
    args = request.args
    fmt = args.get("format", "")
    if fmt and fmt not in EXPORTS:
        return render_template("console/message.html", message="รูปแบบไฟล์ต้องเป็น html, csv หรือ xlsx"), 400
    fy = args.get("fiscal_year", type=int) or current_fiscal_year()
    try:
        start, end, fy = period_from(fy, args.get("from") or None, args.get("to") or None)
    except BadDate as exc:
        return render_template("console/message.html", message=str(exc)), 400
    pack = build(current_app.extensions["services"], start, end, fy)
    if fmt:
        audit.log(current_app.extensions["services"], person().username, "evidence_exported",
                  detail=f"{fmt} {pack['from']}..{pack['to']}")
    name = f"ita-evidence-{fy or 'period'}"
    if fmt == "html":
        return to_html(pack)
    if fmt == "csv":  # with a BOM, so Excel opens the Thai as Thai
        return "\ufeff" + to_csv(pack), 200, {"Content-Type": "text/csv; charset=utf-8",
                                              "Content-Disposition": f'attachment; filename="{name}.csv"'}
    if fmt == "xlsx":
        return to_xlsx(pack), 200, {"Content-Type": XLSX_TYPE,
                                    "Content-Disposition": f'attachment; filename="{name}.xlsx"'}
    return render_template("console/evidence.html", p=pack, fy=fy, args=args, layout=layout(pack), sections=SECTIONS,
                           zero_text=NONE, years=list(range(current_fiscal_year() - 3, current_fiscal_year() + 1)))


def current_fiscal_year() -> int:
    return fiscal_year_of(local(datetime.now(BANGKOK)).date())

"""Console pages for complaints: the inbox (filters, search, deadlines), one complaint (assign, internal
notes, status change that tells the reporter, evidence shown inline through an audited route) and the
yearly statistics. Roles decide which complaints exist for a person (see inbox.may_see)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from bot.complaints import content as cc
from bot.complaints import deadlines, service
from bot.outbox.worker import deliver_due
from bot.complaints.alerts import CHANNEL_NAMES
from bot.complaints.content import STATUSES
from bot.complaints.models import Complaint, Evidence
from bot.complaints.stats import Period, summarise
from bot.feedback.models import Feedback
from bot.storage import utcnow
from scoring import feedback as feedback_scoring

from . import audit, inbox
from .auth import person, staff_required
from .thaidates import BadDate, picked, picker_values, read_date

bp = Blueprint("console_complaints", __name__, url_prefix="/console", template_folder="templates")
LINKS = [("console_complaints.index", "เรื่องร้องเรียน", ("admin", "staff", "integrity")),
         ("console_complaints.stats", "สถิติ", ("admin", "staff"))]
INLINE = {"image/jpeg", "image/png", "image/gif", "image/webp"}
NOTE_MAX = 2000


def services():
    return current_app.extensions["services"]


def status_labels() -> dict[str, str]:
    content = cc.of(services())
    return {s: content.status_label(s) for s in STATUSES}


def categories_for(who) -> list:
    corruption = inbox.corruption_categories(services())
    cats = cc.of(services()).categories
    if who.role == "staff":
        return [c for c in cats if c.id not in corruption]
    if who.role == "integrity":
        return [c for c in cats if c.id in corruption]
    return list(cats)


def not_found(code: str):
    return render_template("console/message.html", message=f"ไม่พบเรื่อง {code}"), 404


def forbidden():
    return render_template("console/message.html", message="บัญชีนี้ไม่มีสิทธิ์เปิดเรื่องประเภทนี้"), 403


def load_visible(code: str):
    """(complaint, None) when this person may see it, else (None, the error response)."""
    with services().db.session() as s:
        complaint = service.load(s, code)
    if complaint is None:
        return None, not_found(code)
    if not inbox.may_see(services(), person(), complaint):
        audit.log(services(), person().username, "complaint_forbidden", complaint=complaint.code)
        return None, forbidden()
    return complaint, None


@bp.get("/complaints/")
@staff_required
def index():
    who, args = person(), request.args
    try:
        since, until = read_date(args, "since"), read_date(args, "until")
    except BadDate as exc:
        flash(str(exc))
        since = until = None
    f = inbox.Filters(status=args.get("status", ""), category=args.get("category", ""),
                      channel=args.get("channel", ""), assignee=args.get("assignee", ""),
                      overdue=bool(args.get("overdue")), q=args.get("q", "")[:100], since=since, until=until)
    rows = inbox.search(services(), who, f)
    unrouted = inbox.unrouted_reports(services()) if who.sees_corruption() else []
    return render_template("console/complaints.html", rows=rows, f=f, statuses=status_labels(),
                           categories=categories_for(who), channels=CHANNEL_NAMES,
                           users=inbox.assignee_names(services()), unrouted=unrouted,
                           category_label=cc.of(services()).category_label,
                           picker=picker_values(utcnow().date()), since=picked(since), until=picked(until))


@bp.get("/complaints/<code>")
@staff_required
def detail(code: str):
    complaint, error = load_visible(code)
    if error:
        return error
    who = person()
    audit.log(services(), who.username, "complaint_viewed", complaint=complaint.code)
    view = service.staff_view(services(), complaint, full=True)
    return render_template("console/complaint.html", c=view, complaint=complaint, statuses=status_labels(),
                           due=deadlines.of(services(), complaint, utcnow()), notes=inbox.notes(services(), complaint),
                           users=inbox.assignee_names(services()), channels=CHANNEL_NAMES,
                           inline=INLINE)


@bp.post("/complaints/<code>/status")
@staff_required
def set_status(code: str):
    complaint, error = load_visible(code)
    if error:
        return error
    status = request.form.get("status", "")
    if status not in STATUSES:
        flash("กรุณาเลือกสถานะ")
        return redirect(url_for(".detail", code=complaint.code))
    service.set_status(services(), complaint.code, status, request.form.get("note") or None)
    audit.log(services(), person().username, "complaint_status", complaint=complaint.code, detail=status)
    result = deliver_due(services())
    told = "และแจ้งผู้ร้องแล้ว" if not (result.retrying or result.failed) else \
        "ระบบจะส่งแจ้งผู้ร้องอีกครั้งโดยอัตโนมัติ (ช่องทางส่งข้อความขัดข้อง)"
    flash(f"เปลี่ยนสถานะเรื่อง {complaint.code} เป็น “{status_labels()[status]}” {told}")
    return redirect(url_for(".detail", code=complaint.code))


@bp.post("/complaints/<code>/assign")
@staff_required
def assign(code: str):
    complaint, error = load_visible(code)
    if error:
        return error
    raw = request.form.get("assignee", "")
    name = inbox.assign(services(), person(), complaint.code, int(raw) if raw.isdigit() else None)
    flash(f"มอบหมายเรื่อง {complaint.code} ให้ {name} แล้ว" if name else "ไม่พบผู้ใช้ที่เลือก")
    return redirect(url_for(".detail", code=complaint.code))


@bp.post("/complaints/<code>/notes")
@staff_required
def add_note(code: str):
    complaint, error = load_visible(code)
    if error:
        return error
    text = request.form.get("text", "").strip()
    if not text or len(text) > NOTE_MAX:
        flash(f"กรุณาพิมพ์บันทึกภายใน (ไม่เกิน {NOTE_MAX} ตัวอักษร)")
    else:
        inbox.add_note(services(), person(), complaint, text)
        flash("บันทึกภายในแล้ว (ผู้ร้องไม่เห็นบันทึกนี้)")
    return redirect(url_for(".detail", code=complaint.code))


@bp.get("/complaints/<code>/evidence/<int:evidence_id>")
@staff_required
def evidence(code: str, evidence_id: int):
    """A file of a complaint, only to those who may see the complaint, logged; never a public URL."""
    complaint, error = load_visible(code)
    if error:
        return error
    with services().db.session() as s:
        row = s.scalar(select(Evidence).where(Evidence.id == evidence_id, Evidence.complaint_id == complaint.id))
    if row is None or not row.path:
        return not_found(code)
    path = Path(services().settings.evidence_dir) / row.path
    if not path.is_file():
        return not_found(code)
    audit.log(services(), person().username, "evidence_viewed", complaint=complaint.code, detail=str(evidence_id))
    inline = row.mime in INLINE
    response = send_file(path, mimetype=row.mime if inline else "application/octet-stream",
                         as_attachment=not inline, download_name=f"{complaint.code}-{row.id}{path.suffix}",
                         max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


@bp.get("/stats")
@staff_required(roles=("admin", "staff"))
def stats():
    year = request.args.get("year", type=int)
    if year is not None and not (2000 <= year <= 2100 or 2543 <= year <= 2643):
        return render_template("console/message.html", message="กรุณาระบุปีเป็น พ.ศ. หรือ ค.ศ. เช่น 2567 หรือ 2024"), 400
    with services().db.session() as s:
        complaints = list(s.scalars(select(Complaint)))
        feedback = list(s.scalars(select(Feedback)))
    summary = summarise(complaints, Period.parse(year, False) if year else None)
    satisfaction = feedback_scoring.summarise(feedback, year)
    content = cc.of(services())
    return render_template("console/stats.html", year=year, summary=summary, satisfaction=satisfaction,
                           satisfaction_text=feedback_scoring.short_th(satisfaction),
                           category_label=content.category_label, status_label=content.status_label)

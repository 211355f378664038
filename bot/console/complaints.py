"""Console pages for complaints (list, detail, status change) and the yearly statistics ITA asks offices
to publish. Staff see what `service.staff_view` allows: never a platform user id."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.complaints import content as cc
from bot.complaints import outbox, service
from bot.complaints.content import STATUSES
from bot.complaints.models import Complaint, Feedback
from bot.complaints.stats import Period, summarise
from scoring import feedback as feedback_scoring

from .auth import staff_required

bp = Blueprint("console_complaints", __name__, url_prefix="/console", template_folder="templates")


def services():
    return current_app.extensions["services"]


def status_labels() -> dict[str, str]:
    content = cc.of(services())
    return {s: content.status_label(s) for s in STATUSES}


@bp.get("/complaints/")
@staff_required
def index():
    status = request.args.get("status") or None
    rows = [service.staff_view(services(), c) for c in service.listing(services(), status)]
    return render_template("console/complaints.html", rows=list(reversed(rows)), status=status,
                           statuses=status_labels())


@bp.get("/complaints/<code>")
@staff_required
def detail(code: str):
    with services().db.session() as s:
        complaint = service.load(s, code)
        view = service.staff_view(services(), complaint, full=True) if complaint else None
    if view is None:
        return render_template("console/message.html", message=f"ไม่พบเรื่อง {code}"), 404
    return render_template("console/complaint.html", c=view, statuses=status_labels())


@bp.post("/complaints/<code>/status")
@staff_required
def set_status(code: str):
    status = request.form.get("status", "")
    if status not in STATUSES:
        flash("กรุณาเลือกสถานะ")
        return redirect(url_for(".detail", code=code))
    try:
        service.set_status(services(), code, status, request.form.get("note") or None)
    except service.NotFound:
        return render_template("console/message.html", message=f"ไม่พบเรื่อง {code}"), 404
    result = outbox.deliver_due(services())
    told = "และแจ้งผู้ร้องแล้ว" if not (result.retrying or result.failed) else \
        "ระบบจะส่งแจ้งผู้ร้องอีกครั้งโดยอัตโนมัติ (ช่องทางส่งข้อความขัดข้อง)"
    flash(f"เปลี่ยนสถานะเรื่อง {code} เป็น “{status_labels()[status]}” {told}")
    return redirect(url_for(".detail", code=code))


@bp.get("/stats")
@staff_required
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

"""Admin pages: accounts (create, disable) and the audit log."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from . import audit, people
from .auth import person, staff_required

bp = Blueprint("console_users", __name__, url_prefix="/console", template_folder="templates")
LINKS = [("console_users.index", "ผู้ใช้", ("admin",)), ("console_users.audit_log", "บันทึกการใช้งาน", ("admin",))]
ROLE_LABELS = {"admin": "ผู้ดูแลระบบ", "staff": "เจ้าหน้าที่", "integrity": "หน่วยต่อต้านการทุจริต",
               "editor": "ผู้แก้ไขเนื้อหา"}


def services():
    return current_app.extensions["services"]


@bp.get("/users/")
@staff_required(roles=("admin",))
def index():
    return render_template("console/users.html", users=people.listing(services()), roles=ROLE_LABELS)


@bp.post("/users/")
@staff_required(roles=("admin",))
def create():
    f = request.form
    try:
        people.create(services(), f.get("username", ""), f.get("role", ""), f.get("password", ""))
    except people.AccountError as exc:
        flash(f"สร้างผู้ใช้ไม่สำเร็จ: {exc}")
    else:
        audit.log(services(), person().username, "user_created_console", detail=f.get("username", ""))
        flash(f"สร้างผู้ใช้ {f.get('username', '').strip().lower()} แล้ว")
    return redirect(url_for(".index"))


@bp.post("/users/<username>/disable")
@staff_required(roles=("admin",))
def disable(username: str):
    if username == person().username:
        flash("ปิดบัญชีของตนเองไม่ได้")
        return redirect(url_for(".index"))
    try:
        people.disable(services(), username)
        flash(f"ปิดบัญชี {username} และยุติการเข้าระบบทุกเครื่องแล้ว")
    except people.AccountError as exc:
        flash(str(exc))
    return redirect(url_for(".index"))


@bp.get("/audit")
@staff_required(roles=("admin",))
def audit_log():
    from bot.complaints import content as cc

    from .audit_words import describe

    rows = audit.entries(services())[-300:][::-1]
    status_label = cc.of(services()).status_label
    for r in rows:
        r["when"] = datetime.fromisoformat(r["at"])
        r["words"] = describe(r, status_label)
    return render_template("console/audit.html", rows=rows)

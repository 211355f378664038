"""Console page of the questions the bot could not answer: the open groups, newest first, each with a
form to publish an answer (in use in every process within seconds) or to dismiss it."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.console import audit
from bot.console.auth import person, staff_required

from . import store

bp = Blueprint("console_unanswered", __name__, url_prefix="/console/unanswered", template_folder="templates")
LINKS = [("console_unanswered.index", "คำถามที่บอตยังตอบไม่ได้", ("admin", "staff", "editor"))]
ROLES = ("admin", "staff", "editor")


def services():
    return current_app.extensions["services"]


@bp.get("/")
@staff_required(roles=ROLES)
def index():
    with services().db.session() as s:
        groups = store.groups(s)
    return render_template("console/unanswered.html", groups=groups)


@bp.post("/<int:group_id>/answer")
@staff_required(roles=ROLES)
def answer(group_id: int):
    text = request.form.get("answer", "").strip()[:2000]
    if not text:
        flash("กรุณาพิมพ์คำตอบ")
        return redirect(url_for(".index")), 303
    try:
        with services().db.session() as s:
            answer_id = store.answer_group(s, group_id, text)
            audit.record(s, person().username, "unanswered_answered", detail=f"group {group_id} answer {answer_id}")
    except store.NotFound:
        return render_template("console/message.html", message="ไม่พบกลุ่มคำถามนี้ หรือมีผู้ตอบไปแล้ว"), 404
    flash("เผยแพร่คำตอบแล้ว บอตจะใช้คำตอบนี้ภายในไม่กี่วินาที")
    return redirect(url_for(".index")), 303


@bp.post("/<int:group_id>/dismiss")
@staff_required(roles=ROLES)
def dismiss(group_id: int):
    try:
        with services().db.session() as s:
            store.dismiss_group(s, group_id)
            audit.record(s, person().username, "unanswered_dismissed", detail=f"group {group_id}")
    except store.NotFound:
        return render_template("console/message.html", message="ไม่พบกลุ่มคำถามนี้ หรือมีผู้ตอบไปแล้ว"), 404
    flash("นำออกจากรายการแล้ว")
    return redirect(url_for(".index")), 303

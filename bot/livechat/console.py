"""Console pages of the live chat: waiting and held conversations with their last messages; take one,
answer it (the answer reaches the citizen on their channel), end it."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.complaints.alerts import CHANNEL_NAMES
from bot.console import audit
from bot.console.auth import person, staff_required

from . import service

bp = Blueprint("console_livechat", __name__, url_prefix="/console/live-chat", template_folder="templates")
LINKS = [("console_livechat.index", "แชทกับประชาชน", ("admin", "staff"))]
ROLES = ("admin", "staff")
STATUS_TH = {"waiting": "รอเจ้าหน้าที่", "held": "เจ้าหน้าที่กำลังตอบ", "closed": "จบแล้ว"}


def services():
    return current_app.extensions["services"]


@bp.get("/")
@staff_required(roles=ROLES)
def index():
    return render_template("console/livechat.html", chats=service.waiting_and_held(services()),
                           status_th=STATUS_TH, channels=CHANNEL_NAMES)


@bp.get("/<int:chat_id>")
@staff_required(roles=ROLES)
def detail(chat_id: int):
    chat = service.get(services(), chat_id)
    if chat is None:
        return render_template("console/message.html", message="ไม่พบการสนทนานี้"), 404
    return render_template("console/livechat_chat.html", chat=chat, status_th=STATUS_TH, channels=CHANNEL_NAMES,
                           mine=chat.staff == person().username)


@bp.post("/<int:chat_id>/take")
@staff_required(roles=ROLES)
def take(chat_id: int):
    if service.take(services(), chat_id, person().username):
        audit.log(services(), person().username, "livechat_taken", detail=str(chat_id))
        flash("รับการสนทนาแล้ว พิมพ์ตอบได้เลย")
    else:
        flash("รับการสนทนานี้ไม่ได้ (มีเจ้าหน้าที่ท่านอื่นรับแล้ว หรือจบไปแล้ว)")
    return redirect(url_for(".detail", chat_id=chat_id))


@bp.post("/<int:chat_id>/reply")
@staff_required(roles=ROLES)
def reply(chat_id: int):
    text = request.form.get("text", "").strip()[:2000]
    if not text:
        flash("กรุณาพิมพ์ข้อความ")
    else:
        try:
            service.reply(services(), chat_id, person().username, text)
            flash("ส่งคำตอบแล้ว")
        except service.CannotReach as exc:
            flash(str(exc))
    return redirect(url_for(".detail", chat_id=chat_id))


@bp.post("/<int:chat_id>/end")
@staff_required(roles=ROLES)
def end(chat_id: int):
    chat = service.get(services(), chat_id)
    if chat is not None and chat.status != "closed":
        service.close(services(), chat_id)
        try:
            from bot.channels import outbound
            from bot.core.messages import Text

            outbound.push(services(), chat.channel, chat.user_id, [Text(service.say(services(), "ended"))])
        except Exception:  # the citizen not being told does not keep the conversation open
            pass
        audit.log(services(), person().username, "livechat_ended", detail=str(chat_id))
        flash("จบการสนทนาแล้ว ระบบอัตโนมัติจะตอบผู้ใช้นี้ตามปกติ")
    return redirect(url_for(".index"))

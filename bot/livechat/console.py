"""Console pages of the live chat: waiting and held conversations with their last messages; take one,
answer it (the answer reaches the citizen on their channel), end it. Both pages refresh themselves from
small JSON endpoints (polled every few seconds) and show how many people are waiting; opening a LINE
person's chat marks their messages read."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for

from bot.complaints.alerts import CHANNEL_NAMES
from bot.console import audit
from bot.console.auth import person, staff_required
from bot.thaitime import thai_datetime

from . import read_marks, service
from .models import WAITING

bp = Blueprint("console_livechat", __name__, url_prefix="/console/live-chat", template_folder="templates")
LINKS = [("console_livechat.index", "แชทกับประชาชน", ("admin", "staff"))]
ROLES = ("admin", "staff")
STATUS_TH = {"waiting": "รอเจ้าหน้าที่", "held": "เจ้าหน้าที่กำลังตอบ", "closed": "จบแล้ว"}
POLL_SECONDS = 4  # how often the pages ask for news; app.config["LIVECHAT_POLL_SECONDS"] overrides it


def poll_seconds() -> float:
    return current_app.config.get("LIVECHAT_POLL_SECONDS", POLL_SECONDS)


def services():
    return current_app.extensions["services"]


def message_json(m) -> dict:
    return {"id": m.id, "who": "ประชาชน" if m.sender == "citizen" else f"เจ้าหน้าที่ {m.staff}",
            "sender": m.sender, "text": m.text, "at": thai_datetime(m.at)}


def chat_json(c) -> dict:
    return {"id": c.id, "url": url_for(".detail", chat_id=c.id), "channel": CHANNEL_NAMES.get(c.channel, c.channel),
            "status": c.status, "status_th": STATUS_TH[c.status], "staff": c.staff, "out_of_hours": c.out_of_hours,
            "started": thai_datetime(c.started_at), "last": [message_json(m) for m in c.messages[-3:]]}


@bp.get("/")
@staff_required(roles=ROLES)
def index():
    chats = service.waiting_and_held(services())
    return render_template("console/livechat.html", chats=chats, status_th=STATUS_TH, channels=CHANNEL_NAMES,
                           waiting=sum(c.status == WAITING for c in chats), poll_seconds=poll_seconds())


@bp.get("/state.json")
@staff_required(roles=ROLES)
def state():
    chats = service.waiting_and_held(services())
    return jsonify(waiting=sum(c.status == WAITING for c in chats), chats=[chat_json(c) for c in chats])


@bp.get("/<int:chat_id>")
@staff_required(roles=ROLES)
def detail(chat_id: int):
    from bot.channels.line_account import show_loading_soon

    chat = service.get(services(), chat_id)
    if chat is None:
        return render_template("console/message.html", message="ไม่พบการสนทนานี้"), 404
    mine = chat.staff == person().username
    if chat.status != "closed":
        read_marks.mark_read(services(), chat)
        if mine and chat.messages and chat.messages[-1].sender == "citizen":  # a human is answering them now:
            show_loading_soon(services(), chat.channel, chat.user_id, 60)  # LINE shows the person typing dots
    return render_template("console/livechat_chat.html", chat=chat, status_th=STATUS_TH, channels=CHANNEL_NAMES,
                           mine=mine, poll_seconds=poll_seconds())


@bp.get("/<int:chat_id>/messages.json")
@staff_required(roles=ROLES)
def messages(chat_id: int):
    chat = service.get(services(), chat_id)
    if chat is None:
        return jsonify(error="ไม่พบการสนทนานี้"), 404
    after = request.args.get("after", default=0, type=int)
    new = [m for m in chat.messages if m.id > after]
    if new and chat.status != "closed" and any(m.sender == "citizen" for m in new):
        read_marks.mark_read(services(), chat)  # staff have the chat open: they see it now
    return jsonify(status=chat.status, status_th=STATUS_TH[chat.status], staff=chat.staff,
                   messages=[message_json(m) for m in new])


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

"""Console pages for announcements: list, create with a Thai date picker and repeats in words, a preview
drawn as LINE and Messenger show it, and send-now / cancel that first say how many people it reaches.

A thin layer over `bot.broadcasts.service`, the same functions the command line uses.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.broadcasts import service
from bot.broadcasts.errors import BroadcastNotFound, BroadcastStateError, InvalidAnnouncement
from bot.broadcasts.models import CANCELLED, SENT
from bot.broadcasts.runner import send_now
from bot.broadcasts.schedule import parse_cron
from bot.broadcasts.validate import CHANNEL_NAMES, CHANNELS, Draft, on, parse_topics
from bot.storage import utcnow

from . import audit, repeats
from .flex_preview import line_bubble_html, messenger_html
from .auth import person, staff_required
from .thaidates import BadDate, picked, picker_values, read_datetime

log = logging.getLogger(__name__)

bp = Blueprint("console_broadcasts", __name__, url_prefix="/console/broadcasts", template_folder="templates")
LINKS = [("console_broadcasts.index", "ประกาศข่าว", ("admin", "staff"))]
STATUS_TH = {"scheduled": "รอส่งตามกำหนด", "sending": "กำลังส่ง", "sent": "ส่งแล้ว", "cancelled": "ยกเลิกแล้ว",
             "failed": "ส่งไม่สำเร็จ", "missed": "พ้นเวลาส่ง", "pending": "รอส่ง", "partial": "ส่งได้บางส่วน",
             "retrying": "กำลังลองส่งใหม่", "done": "ส่งแล้ว"}
GENERAL = ("admin", "staff")


def services():
    return current_app.extensions["services"]


def channels_on() -> list[str]:
    """Only the channels this office has configured are offered."""
    s = current_app.extensions["settings"]
    return [c for c in CHANNELS if on(s, c)]


def when(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def page_context(form) -> dict:
    return {"rows": service.list_broadcasts(services()), "channels": channels_on(), "channel_names": CHANNEL_NAMES,
            "form": form, "picker": picker_values(utcnow().date()), "status_th": STATUS_TH, "when": when,
            "in_words": repeats.in_words, "repeat_choices": repeats.CHOICES, "weekdays": repeats.WEEKDAYS_TH,
            "month_days": list(repeats.MONTH_DAYS), "at": picked(read_datetime_quiet(form))}


def read_datetime_quiet(form):
    try:
        return read_datetime(form, "at")
    except BadDate:
        return None


def schedule_from(form, now: datetime) -> tuple[datetime | None, str | None]:
    """(one-off time, cron) from the picker and the repeat choice."""
    repeat = form.get("repeat", "none")
    try:
        if repeat == "none":
            at = read_datetime(form, "at")
            if at is None:
                raise InvalidAnnouncement("กรุณาเลือกวันและเวลาที่จะส่ง")
            if at <= now:
                raise InvalidAnnouncement("เวลาที่เลือกผ่านไปแล้ว กรุณาเลือกเวลาในอนาคต หรือกด “ส่งทันที” หลังบันทึก")
            return at, None
        cron = repeats.to_cron(repeat, int(form.get("at_hh", "9")), int(form.get("at_mm", "0")),
                               weekday=int(form["weekday"]) if form.get("weekday", "").isdigit() else None,
                               month_day=int(form["month_day"]) if form.get("month_day", "").isdigit() else None)
        return None, parse_cron(cron, now).expression
    except (BadDate, ValueError) as exc:
        raise InvalidAnnouncement(str(exc)) from None


@bp.get("/")
@staff_required(roles=GENERAL)
def index():
    return render_template("console/broadcasts.html", **page_context({}))


@bp.post("/")
@staff_required(roles=GENERAL)
def create():
    form = request.form
    now = utcnow()
    try:
        chosen = [c for c in channels_on() if form.get(f"channel_{c}")]
        if not chosen:
            raise InvalidAnnouncement("กรุณาเลือกช่องทางอย่างน้อยหนึ่งช่องทาง")
        run_at, cron = schedule_from(form, now)
        draft = Draft(text=form.get("text", ""), title=form.get("title", ""),
                      image_url=form.get("image_url") or None, link_url=form.get("link") or None,
                      topics=parse_topics(form.get("topics", "")), channels=chosen, run_at=run_at, cron=cron)
        b = service.create(services(), draft, now)
    except InvalidAnnouncement as exc:
        return render_template("console/broadcasts.html", error=str(exc), **page_context(form)), 400
    audit.log(services(), person().username, "broadcast_created", detail=str(b.id))
    flash(f"สร้างประกาศหมายเลข {b.id} แล้ว")
    return redirect(url_for(".detail", broadcast_id=b.id))


def reach(preview: dict) -> list[str]:
    """How many people a send reaches, per channel, in words."""
    out = []
    if "line" in preview:
        a = preview["line"]["audience"]
        out.append(f"LINE: ผู้ติดตามกลุ่ม {a['segment']} {a['followers']} คน" if a["kind"] == "multicast"
                   else f"LINE: เพื่อนทุกคนของบัญชี (บันทึกไว้ {a['recorded_followers']} คน)")
    if "facebook" in preview:
        out.append(f"Messenger: {preview['facebook']['audience']['in_24h_window_now']} คน "
                   "(เฉพาะผู้ที่ส่งข้อความถึงเพจภายใน 24 ชั่วโมง)")
    return out


def not_found(broadcast_id: int):
    return render_template("console/message.html", message=f"ไม่พบประกาศหมายเลข {broadcast_id}"), 404


@bp.get("/<int:broadcast_id>")
@staff_required(roles=GENERAL)
def detail(broadcast_id: int):
    try:
        b = service.get(services(), broadcast_id)
    except BroadcastNotFound:
        return not_found(broadcast_id)
    preview = service.preview(services(), broadcast_id)
    return render_template("console/broadcast.html", b=service.describe(services(), b, None), preview=preview,
                           reach=reach(preview), deliveries=service.deliveries(services(), broadcast_id),
                           status_th=STATUS_TH, when=when, in_words=repeats.in_words, channel_names=CHANNEL_NAMES,
                           line_preview=line_bubble_html, messenger_preview=messenger_html)


def confirm_page(broadcast_id: int, action: str):
    b = service.get(services(), broadcast_id)
    preview = service.preview(services(), broadcast_id)
    return render_template("console/broadcast_confirm.html", b=service.describe(services(), b, None),
                           action=action, reach=reach(preview), in_words=repeats.in_words, when=when)


@bp.post("/<int:broadcast_id>/cancel")
@staff_required(roles=GENERAL)
def cancel(broadcast_id: int):
    try:
        if request.form.get("confirmed") != "1":
            return confirm_page(broadcast_id, "cancel")
        service.cancel(services(), broadcast_id)
        audit.log(services(), person().username, "broadcast_cancelled", detail=str(broadcast_id))
        flash(f"ยกเลิกประกาศหมายเลข {broadcast_id} แล้ว")
    except BroadcastNotFound:
        return not_found(broadcast_id)
    except BroadcastStateError as exc:
        flash(str(exc))
    return redirect(url_for(".detail", broadcast_id=broadcast_id))


def send_in_background(svc, broadcast_id: int) -> None:
    """A send can take minutes (Messenger goes person by person, with retries): longer than a web request
    may live. Its progress is recorded per batch and shown on the announcement's page."""
    try:
        send_now(svc, broadcast_id)
    except (BroadcastNotFound, BroadcastStateError) as exc:
        log.warning("send-now of announcement %s refused: %s", broadcast_id, exc)
    except Exception:
        log.exception("send-now of announcement %s failed", broadcast_id)


@bp.post("/<int:broadcast_id>/send-now")
@staff_required(roles=GENERAL)
def send(broadcast_id: int):
    try:
        status = service.get(services(), broadcast_id).status
    except BroadcastNotFound:
        return not_found(broadcast_id)
    if status in (SENT, CANCELLED):
        flash(f"ประกาศหมายเลข {broadcast_id} {'ส่งไปแล้ว' if status == SENT else 'ถูกยกเลิกแล้ว'} จึงไม่ส่งอีก")
    elif request.form.get("confirmed") != "1":
        return confirm_page(broadcast_id, "send")
    else:
        threading.Thread(target=send_in_background, args=(services(), broadcast_id), daemon=True).start()
        audit.log(services(), person().username, "broadcast_sent", detail=str(broadcast_id))
        flash(f"เริ่มส่งประกาศหมายเลข {broadcast_id} แล้ว ผลการส่งแต่ละชุดจะแสดงในหน้านี้")
    return redirect(url_for(".detail", broadcast_id=broadcast_id))

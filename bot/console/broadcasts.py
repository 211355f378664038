"""Console pages for announcements: list, create, preview with deliveries, cancel, send now.

A thin layer over `bot.broadcasts.service`, the same functions the command line uses.
"""
from __future__ import annotations

import json
import logging
import threading

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.broadcasts import service
from bot.broadcasts.errors import BroadcastNotFound, BroadcastStateError, InvalidAnnouncement
from bot.broadcasts.models import CANCELLED, SENT
from bot.broadcasts.runner import send_now
from bot.broadcasts.schedule import parse_at, parse_cron
from bot.broadcasts.validate import CHANNELS, Draft, parse_topics
from bot.storage import utcnow

from .auth import staff_required

log = logging.getLogger(__name__)

bp = Blueprint("console_broadcasts", __name__, url_prefix="/console/broadcasts", template_folder="templates")


def services():
    return current_app.extensions["services"]


@bp.get("/")
@staff_required
def index():
    return render_template("console/broadcasts.html", rows=service.list_broadcasts(services()),
                           channels=CHANNELS, form={})


@bp.post("/")
@staff_required
def create():
    form = request.form
    now = utcnow()
    try:
        when = form.get("when", "at")
        draft = Draft(text=form.get("text", ""), title=form.get("title", ""),
                      image_url=form.get("image_url") or None, link_url=form.get("link") or None,
                      topics=parse_topics(form.get("topics", "")),
                      channels=[c for c in CHANNELS if form.get(f"channel_{c}")],
                      run_at=parse_at(form.get("at", ""), now) if when == "at" else None,
                      cron=parse_cron(form.get("cron", ""), now).expression if when == "cron" else None)
        b = service.create(services(), draft, now)
    except InvalidAnnouncement as exc:
        return render_template("console/broadcasts.html", rows=service.list_broadcasts(services()),
                               channels=CHANNELS, form=form, error=str(exc)), 400
    flash(f"สร้างประกาศหมายเลข {b.id} แล้ว")
    return redirect(url_for(".detail", broadcast_id=b.id))


@bp.get("/<int:broadcast_id>")
@staff_required
def detail(broadcast_id: int):
    try:
        b = service.get(services(), broadcast_id)
    except BroadcastNotFound:
        return render_template("console/message.html", message=f"ไม่พบประกาศหมายเลข {broadcast_id}"), 404
    preview = service.preview(services(), broadcast_id)
    return render_template("console/broadcast.html", b=service.describe(services(), b, None),
                           preview_json=json.dumps(preview, ensure_ascii=False, indent=2),
                           deliveries=service.deliveries(services(), broadcast_id))


@bp.post("/<int:broadcast_id>/cancel")
@staff_required
def cancel(broadcast_id: int):
    try:
        service.cancel(services(), broadcast_id)
        flash(f"ยกเลิกประกาศหมายเลข {broadcast_id} แล้ว")
    except (BroadcastNotFound, BroadcastStateError) as exc:
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
@staff_required
def send(broadcast_id: int):
    try:
        status = service.get(services(), broadcast_id).status
    except BroadcastNotFound:
        return render_template("console/message.html", message=f"ไม่พบประกาศหมายเลข {broadcast_id}"), 404
    if status in (SENT, CANCELLED):
        flash(f"ประกาศหมายเลข {broadcast_id} {'ส่งไปแล้ว' if status == SENT else 'ถูกยกเลิกแล้ว'} จึงไม่ส่งอีก")
    else:
        threading.Thread(target=send_in_background, args=(services(), broadcast_id), daemon=True).start()
        flash(f"เริ่มส่งประกาศหมายเลข {broadcast_id} แล้ว ผลการส่งแต่ละชุดจะแสดงในหน้านี้")
    return redirect(url_for(".detail", broadcast_id=broadcast_id))

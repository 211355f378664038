"""Console pages for announcements: list, create with a Thai date picker and repeats in words (the weekday
and day-of-month only for repeating ones), topics picked from the office's, a picture uploaded and served by
the app, a preview drawn as LINE and Messenger show it, and send-now / cancel that first say how many
people it reaches. A button that cannot be used is disabled with the reason beside it: an announcement that
reaches nobody cannot be sent now, and one that would pass LINE's remaining monthly quota says so first.

A thin layer over `bot.broadcasts.service`, the same functions the command line uses.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.broadcasts import images, service
from bot.channels import line_account
from bot.broadcasts.errors import BroadcastNotFound, BroadcastStateError, InvalidAnnouncement
from bot.broadcasts.models import CANCELLED, MISSED, SCHEDULED, SENDING, SENT
from bot.broadcasts.runner import send_now
from bot.broadcasts.schedule import parse_cron
from bot.broadcasts.validate import CHANNEL_NAMES, CHANNELS, Draft, on, parse_topics
from bot.storage import utcnow
from bot.thaitime import local

from . import audit, line_quota, repeats
from .topics import office_topics
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
    base = current_app.extensions["settings"].public_base_url or ""
    return {"rows": service.list_broadcasts(services()), "channels": channels_on(), "channel_names": CHANNEL_NAMES,
            "form": form, "picker": picker_values(utcnow().date()), "status_th": STATUS_TH, "when": when,
            "in_words": repeats.in_words, "repeat_choices": repeats.CHOICES, "weekdays": repeats.WEEKDAYS_TH,
            "month_days": list(repeats.MONTH_DAYS), "at": picked(read_datetime_quiet(form)),
            "topics": office_topics(services()), "chosen_topics": form.getlist("topics") if form else [],
            "image_refusal": None if base.startswith("https://") else
            "อัปโหลดรูปไม่ได้: ต้องตั้งค่า PUBLIC_BASE_URL เป็นที่อยู่ https ก่อน LINE และ Messenger จึงจะแสดงรูปได้"}


def picked_topics(form) -> list[str]:
    """The ticked topics, then any typed in "หัวข้ออื่น" (comma-separated)."""
    return list(dict.fromkeys([t.strip() for t in form.getlist("topics") if t.strip()]
                              + parse_topics(form.get("other_topics", ""))))


def uploaded_image() -> str | None:
    """The uploaded picture's public URL, or None when no file was chosen."""
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        return None
    return images.store(services(), upload.read(images.MAX_BYTES + 1),
                        current_app.extensions["settings"].public_base_url or "")


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
        hh, mm = form.get("repeat_hh") or form.get("at_hh", "9"), form.get("repeat_mm") or form.get("at_mm", "0")
        cron = repeats.to_cron(repeat, int(hh), int(mm),
                               weekday=int(form["weekday"]) if form.get("weekday", "").isdigit() else None,
                               month_day=int(form["month_day"]) if form.get("month_day", "").isdigit() else None)
        return None, parse_cron(cron, now).expression
    except (BadDate, ValueError) as exc:
        raise InvalidAnnouncement(str(exc)) from None


@bp.url_value_preprocessor
def larger_body_for_pictures(endpoint, values):
    """The new-announcement form may carry a picture up to images.MAX_BYTES: raised before the CSRF check
    reads the form under the app's small MAX_CONTENT_LENGTH."""
    if endpoint == "console_broadcasts.create":
        request.max_content_length = images.MAX_BYTES + 65536


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
                      image_url=uploaded_image(), link_url=form.get("link") or None,
                      topics=picked_topics(form), channels=chosen, run_at=run_at, cron=cron)
        b = service.create(services(), draft, now)
    except InvalidAnnouncement as exc:
        return render_template("console/broadcasts.html", error=str(exc), **page_context(form)), 400
    audit.log(services(), person().username, "broadcast_created", detail=str(b.id))
    flash(f"สร้างประกาศหมายเลข {b.id} แล้ว")
    return redirect(url_for(".detail", broadcast_id=b.id))


def line_friends_yesterday() -> int | None:
    """LINE's own count of the friends an all-friends broadcast reaches (its statistics of yesterday): the
    followers the bot recorded miss those who befriended the account before it was installed."""
    settings = current_app.extensions["settings"]
    if not line_account.line_on(settings):
        return None
    return line_account.line_friends(settings, local(utcnow()).date() - timedelta(days=1))


def audience_sizes(preview: dict) -> dict[str, int]:
    """How many people each channel of the preview reaches now."""
    sizes = {}
    if "line" in preview:
        a = preview["line"]["audience"]
        sizes["line"] = a["followers"] if a["kind"] == "multicast" else \
            max(a["recorded_followers"], a.get("line_friends") or 0)
    if "facebook" in preview:
        sizes["facebook"] = preview["facebook"]["audience"]["in_24h_window_now"]
    return sizes


def with_line_friends(preview: dict) -> dict:
    """The preview, with LINE's friend count beside the recorded followers of an all-friends broadcast."""
    audience = preview.get("line", {}).get("audience")
    if audience and audience["kind"] == "broadcast":
        audience["line_friends"] = line_friends_yesterday()
    return preview


def send_refusal(status: str, sizes: dict[str, int]) -> str | None:
    """Why "ส่งทันที" cannot be used now, or None."""
    if status == SENT:
        return "ส่งไปแล้ว จึงส่งซ้ำไม่ได้"
    if status == CANCELLED:
        return "ประกาศนี้ถูกยกเลิกแล้ว"
    if status == SENDING:
        return "กำลังส่งอยู่ ผลการส่งแต่ละชุดแสดงด้านล่าง"
    if not any(sizes.values()):
        return ("ยังไม่มีผู้รับ: ยังไม่มีผู้ติดตามที่บันทึกไว้ในช่องทางที่เลือก "
                "(Messenger ส่งได้เฉพาะผู้ที่ทักเพจภายใน 24 ชั่วโมง)")
    return None


def cancel_refusal(status: str) -> str | None:
    if status in (SCHEDULED, MISSED):
        return None
    return {SENT: "ส่งไปแล้ว จึงยกเลิกไม่ได้", CANCELLED: "ยกเลิกไปแล้ว",
            SENDING: "กำลังส่งอยู่ จึงยกเลิกไม่ได้"}.get(status, "ยกเลิกไม่ได้ในสถานะนี้")


def quota_warning(sizes: dict[str, int]) -> str | None:
    """A warning when LINE's remaining monthly quota is smaller than the LINE audience."""
    if not sizes.get("line"):
        return None
    quota = line_quota.quota()
    if quota is None or quota.remaining is None or quota.remaining >= sizes["line"]:
        return None
    return (f"โควตาข้อความ LINE เดือนนี้เหลือ {quota.remaining:,} ข้อความ แต่ประกาศนี้จะส่งถึง {sizes['line']:,} คน "
            "LINE จะไม่ส่งส่วนที่เกินโควตา กรุณาเพิ่มโควตาใน LINE Official Account Manager หรือเลือกกลุ่มผู้รับให้เล็กลง")


def reach(preview: dict) -> list[str]:
    """How many people a send reaches, per channel, in words."""
    out = []
    if "line" in preview:
        a = preview["line"]["audience"]
        out.append(f"LINE: ผู้ติดตามกลุ่ม {a['segment']} {a['followers']} คน" if a["kind"] == "multicast"
                   else f"LINE: เพื่อนทุกคนของบัญชี (บันทึกไว้ {a['recorded_followers']} คน)"
                   + (f" · สถิติของ LINE เมื่อวาน {a['line_friends']:,} คน" if a.get("line_friends") is not None else ""))
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
    preview = with_line_friends(service.preview(services(), broadcast_id))
    sizes = audience_sizes(preview)
    return render_template("console/broadcast.html", b=service.describe(services(), b, None), preview=preview,
                           reach=reach(preview), deliveries=service.deliveries(services(), broadcast_id),
                           send_refusal=send_refusal(b.status, sizes), cancel_refusal=cancel_refusal(b.status),
                           quota_warning=quota_warning(sizes),
                           status_th=STATUS_TH, when=when, in_words=repeats.in_words, channel_names=CHANNEL_NAMES,
                           line_preview=line_bubble_html, messenger_preview=messenger_html)


def confirm_page(broadcast_id: int, action: str):
    b = service.get(services(), broadcast_id)
    preview = with_line_friends(service.preview(services(), broadcast_id))
    return render_template("console/broadcast_confirm.html", b=service.describe(services(), b, None),
                           action=action, reach=reach(preview), in_words=repeats.in_words, when=when,
                           quota_warning=quota_warning(audience_sizes(preview)) if action == "send" else None)


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
    refusal = send_refusal(status, audience_sizes(with_line_friends(service.preview(services(), broadcast_id))))
    if refusal:
        flash(f"ส่งประกาศหมายเลข {broadcast_id} ทันทีไม่ได้: {refusal}")
    elif request.form.get("confirmed") != "1":
        return confirm_page(broadcast_id, "send")
    else:
        threading.Thread(target=send_in_background, args=(services(), broadcast_id), daemon=True).start()
        audit.log(services(), person().username, "broadcast_sent", detail=str(broadcast_id))
        flash(f"เริ่มส่งประกาศหมายเลข {broadcast_id} แล้ว ผลการส่งแต่ละชุดจะแสดงในหน้านี้")
    return redirect(url_for(".detail", broadcast_id=broadcast_id))

"""Pictures staff upload for an announcement: checked (JPEG or PNG by their first bytes, at most
MAX_BYTES), cleaned as evidence is (re-encoded from the pixels: no EXIF, GPS or camera), kept in the
database and served by the app at /media/announcements/<token>.<ext>, where LINE and Messenger fetch them."""
from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, current_app

from bot.complaints import sanitize
from bot.complaints.evidence import sniff

from .errors import InvalidAnnouncement
from .models import BroadcastImage

MAX_BYTES = 10 * 1024 * 1024  # LINE's limit for an image a message links to
TYPES = {"image/jpeg": "jpg", "image/png": "png"}

bp = Blueprint("announcement_images", __name__)


def store(services, data: bytes, base: str) -> str:
    """The picture's public URL under `base` (PUBLIC_BASE_URL, https); InvalidAnnouncement saying what is wrong."""
    if not base.startswith("https://"):
        raise InvalidAnnouncement("ต้องตั้งค่า PUBLIC_BASE_URL เป็นที่อยู่ https ก่อน LINE และ Messenger จึงจะแสดงรูปได้")
    if len(data) > MAX_BYTES:
        raise InvalidAnnouncement(f"รูปภาพใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB กรุณาย่อขนาดรูปก่อน")
    mime = sniff(data)
    if mime not in TYPES:
        raise InvalidAnnouncement("รับเฉพาะรูปภาพ JPEG หรือ PNG")
    try:
        cleaned = sanitize.clean_image(data, mime)
    except sanitize.TooManyPixels:
        raise InvalidAnnouncement("รูปภาพมีจำนวนพิกเซลมากเกินไป กรุณาย่อขนาดรูปก่อน") from None
    except sanitize.Unreadable:
        raise InvalidAnnouncement("เปิดรูปภาพนี้ไม่ได้ กรุณาเลือกไฟล์รูป JPEG หรือ PNG อื่น") from None
    token = secrets.token_hex(16)
    with services.db.session() as s:
        s.add(BroadcastImage(token=token, mime=cleaned.mime, data=cleaned.data))
    return f"{base.rstrip('/')}/media/announcements/{token}.{TYPES[cleaned.mime]}"


@bp.get("/media/announcements/<token>.<ext>")
def serve(token: str, ext: str):
    services = current_app.extensions["services"]
    if len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        abort(404)
    with services.db.session() as s:
        image = s.get(BroadcastImage, token)
        if image is None or TYPES.get(image.mime) != ext:
            abort(404)
        data, mime = image.data, image.mime
    return Response(data, mimetype=mime, headers={"Cache-Control": "public, max-age=86400",
                                                  "X-Content-Type-Options": "nosniff"})

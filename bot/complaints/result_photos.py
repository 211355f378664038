"""A photo of the result that staff attach when they resolve a case: checked and cleaned like evidence
(images only, re-encoded from their pixels, so no GPS or camera data goes out) and stored under
EVIDENCE_DIR. The reporter gets it under an unguessable name (`token`): the outbox carries texts, so the
notice links to it, and LINE or Messenger open the link as an image."""
from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.storage import utcnow

from . import content as cc
from . import evidence, sanitize
from .models import ComplaintEvent
from .service import ResultPhoto

if TYPE_CHECKING:
    from bot.services import Services

IMAGES = ("image/jpeg", "image/png", "image/gif", "image/webp")


class Refused(ValueError):
    """The photo is not kept; the message (Thai) tells staff why."""


def store(services: Services, data: bytes, now: datetime | None = None) -> ResultPhoto:
    limit = cc.of(services).limits.evidence_bytes
    if not data:
        raise Refused("ไม่ได้รับไฟล์รูปภาพ")
    if len(data) > limit:
        raise Refused(f"รูปภาพใหญ่เกิน {cc.of(services).limits.evidence_mb} MB")
    mime = evidence.sniff(data)
    if mime not in IMAGES:
        raise Refused("รับเฉพาะรูปภาพ JPG, PNG, GIF หรือ WEBP")
    try:
        cleaned = sanitize.clean(data, mime)
    except sanitize.Unreadable:
        raise Refused("เปิดไฟล์รูปภาพนี้ไม่ได้ กรุณาลองไฟล์อื่น") from None
    name = evidence.relative_name(now or utcnow(), cleaned.mime)
    evidence.write_private(Path(services.settings.evidence_dir) / name, cleaned.data)
    return ResultPhoto(name, secrets.token_urlsafe(24))


def by_token(services: Services, token: str) -> tuple[Path, str] | None:
    """(file, MIME type) of a result photo still kept, by its token; None for any other token."""
    if not token or len(token) > 64:
        return None
    with services.db.session() as s:
        path = s.scalar(select(ComplaintEvent.photo_path).where(ComplaintEvent.photo_token == token))
    if not path:
        return None
    file = Path(services.settings.evidence_dir) / path
    mime = evidence.sniff(file.read_bytes()[:16]) if file.is_file() else None
    return (file, mime) if mime else None

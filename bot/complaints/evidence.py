"""Evidence files: fetched from the platform the moment they are sent, checked, stored under EVIDENCE_DIR.

Platforms keep sent content only for a while (LINE: days), so a photo is downloaded when it arrives, not
when the complaint is confirmed. The type is decided from the file's first bytes where the format has a
signature, so a renamed file is not taken for a picture. Every file is cleaned of what could reveal the
reporter before it is written (sanitize.py), owner-readable only.
"""
from __future__ import annotations

import hashlib
import mimetypes
import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.channels.media import MediaTooLarge, MediaUnavailable, can_fetch, fetch
from bot.core.messages import Media
from bot.storage import utcnow

from . import content as cc
from . import sanitize
from .models import Evidence

if TYPE_CHECKING:
    from bot.services import Services


SIGNATURES: list[tuple[int, bytes, str]] = [
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
]
SNIFFABLE = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "video/mp4", "audio/mp4",
             "audio/m4a", "audio/x-m4a"}
EXTENSIONS = {"image/jpeg": ".jpg", "audio/m4a": ".m4a", "audio/mp4": ".m4a"}


class Refused(Exception):
    """The file is not kept; `key` names the text (content/complaints.yaml) that tells the reporter why."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


def sniff(data: bytes) -> str | None:
    for offset, magic, mime in SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "audio/mp4" if data[8:11] == b"M4A" else "video/mp4"
    return None


def decide_type(data: bytes, declared: str) -> str | None:
    """The file's real type: its signature, or what the platform declared for formats without one."""
    declared = declared.split(";")[0].strip().lower()
    return sniff(data) or (declared if declared and declared not in SNIFFABLE else None)


def relative_name(now: datetime, mime: str) -> str:
    ext = EXTENSIONS.get(mime) or mimetypes.guess_extension(mime) or ".bin"
    return f"{now:%Y-%m}/{uuid.uuid4().hex}{ext}"


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(path.suffix + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def receive(services: Services, channel: str, media: Media, now: datetime | None = None) -> dict:
    """Fetch, check and store one file; returns what the complaint keeps about it. Raises Refused."""
    limits = cc.of(services).limits
    if media.kind == "sticker":
        raise Refused("evidence_sticker")
    if not can_fetch(channel):
        raise Refused("evidence_unsupported")
    if media.size is not None and media.size > limits.evidence_bytes:
        raise Refused("evidence_too_big")
    try:
        data, declared = fetch(services, channel, media, limits.evidence_bytes)
    except MediaTooLarge:
        raise Refused("evidence_too_big") from None
    except MediaUnavailable:
        raise Refused("evidence_failed") from None
    if len(data) > limits.evidence_bytes:
        raise Refused("evidence_too_big")
    if not data:
        raise Refused("evidence_failed")
    mime = decide_type(data, declared or media.mime)
    if mime not in limits.evidence_types:
        raise Refused("evidence_bad_type")
    try:
        cleaned = sanitize.clean(data, mime)
    except sanitize.TooManyPixels:
        raise Refused("evidence_too_many_pixels") from None
    except sanitize.Unreadable:
        raise Refused("evidence_bad_type") from None
    data, mime = cleaned.data, cleaned.mime
    name = relative_name(now or utcnow(), mime)
    write_private(Path(services.settings.evidence_dir) / name, data)
    return {"path": name, "kind": media.kind, "mime": mime, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "may_carry_metadata": cleaned.may_carry_metadata}


def delete(services: Services, relative_paths: list[str]) -> int:
    """Remove stored files (a cancelled or expired draft, a purged complaint); missing ones are fine."""
    root = Path(services.settings.evidence_dir).resolve()
    removed = 0
    for rel in relative_paths:
        path = (root / rel).resolve()
        if root in path.parents and path.is_file():
            path.unlink()
            removed += 1
    return removed


def draft_count(services: Services, draft_key: str) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(Evidence).where(
            Evidence.draft_key == draft_key, Evidence.complaint_id.is_(None))) or 0


def keep(services: Services, draft_key: str, channel: str, media: Media, now: datetime | None = None) -> int:
    """Receive a file for a draft complaint; returns how many files the draft now has. Raises Refused."""
    now = now or utcnow()
    if draft_count(services, draft_key) >= cc.of(services).limits.evidence_files:
        raise Refused("evidence_too_many")
    item = receive(services, channel, media, now)
    try:
        with services.db.session() as s:
            s.add(Evidence(draft_key=draft_key, created_at=now, **item))
    except Exception:
        delete(services, [item["path"]])
        raise
    return draft_count(services, draft_key)


def discard_draft(services: Services, draft_key: str) -> int:
    """Forget the files of a draft that was cancelled or expired."""
    with services.db.session() as s:
        rows = list(s.scalars(select(Evidence).where(Evidence.draft_key == draft_key,
                                                     Evidence.complaint_id.is_(None))))
        paths = [r.path for r in rows if r.path]
        for r in rows:
            s.delete(r)
    return delete(services, paths)


def attach(session: Session, draft_key: str, complaint_id: int) -> int:
    """Give a draft's files to the complaint filed from it (in the filing transaction)."""
    return session.execute(update(Evidence).where(Evidence.draft_key == draft_key, Evidence.complaint_id.is_(None))
                           .values(complaint_id=complaint_id)).rowcount


def discard_abandoned(services: Services, older_than: datetime) -> int:
    """Files of drafts never confirmed, cancelled nor expired in a chat (the person never came back)."""
    with services.db.session() as s:
        rows = list(s.scalars(select(Evidence).where(Evidence.complaint_id.is_(None),
                                                     Evidence.created_at < older_than)))
        paths = [r.path for r in rows if r.path]
        for r in rows:
            s.delete(r)
    return delete(services, paths)

"""Checks on an announcement before it is saved, so that nothing staff schedule at night fails on a limit of
LINE or Messenger at send time. Messages are in Thai, for the staff who wrote the announcement."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from bot.channels import registry

from .errors import InvalidAnnouncement
from .render import LINE_BUBBLE_BYTES, Sender, bubble_bytes, line_messages

CHANNELS = tuple(name for name in registry.names() if registry.channel_class(name).announces)
CHANNEL_NAMES = {name: registry.label(name) for name in CHANNELS} | {"facebook": "Messenger"}  # staff's short name


def on(settings, channel: str) -> bool:
    """Whether this office has configured the channel (announcements to it would otherwise fail)."""
    return registry.channel_class(channel).enabled(settings)
MAX_TEXT = 5000  # a LINE text; a Messenger text is split at 2000 characters
MAX_TITLE = 100
MAX_IMAGE_URL, MAX_LINK = 2000, 1000
MAX_SEGMENT, MAX_TOPIC, MAX_TOPICS = 64, 50, 10


@dataclass
class Draft:
    """An announcement as staff describe it, before it is saved."""

    text: str
    title: str = ""
    image_url: str | None = None
    link_url: str | None = None
    topics: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))
    segment: str | None = None
    run_at: datetime | None = None
    cron: str | None = None


def parse_channels(text: str) -> list[str]:
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    aliases = {"messenger": "facebook", "fb": "facebook"}
    names = [aliases.get(n, n) for n in names]
    unknown = [n for n in names if n not in CHANNELS]
    if unknown:
        raise InvalidAnnouncement(f"ไม่รู้จักช่องทาง {', '.join(unknown)} กรุณาเลือกจาก line, facebook "
                                  "(คั่นด้วยจุลภาค เช่น line,facebook)")
    if not names:
        raise InvalidAnnouncement("กรุณาระบุช่องทางอย่างน้อยหนึ่งช่องทาง: line หรือ facebook")
    return list(dict.fromkeys(names))


def parse_topics(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))


def _url(value: str | None, what: str, limit: int, https_only: bool) -> None:
    if not value:
        return
    parts = urlsplit(value)
    schemes = ("https",) if https_only else ("http", "https")
    if parts.scheme not in schemes or not parts.netloc:
        need = "https://" if https_only else "http:// หรือ https://"
        raise InvalidAnnouncement(f"{what} {value!r} ไม่ถูกต้อง ต้องขึ้นต้นด้วย {need}"
                                  + (" (LINE แสดงรูปจากลิงก์ https เท่านั้น)" if https_only else ""))
    if len(value) > limit:
        raise InvalidAnnouncement(f"{what}ยาวเกิน {limit} ตัวอักษร")


def check(draft: Draft, office: Sender) -> Draft:
    """The draft, tidied, or InvalidAnnouncement saying what to fix."""
    draft.text = (draft.text or "").strip()
    draft.title = (draft.title or "").strip()
    draft.image_url = (draft.image_url or "").strip() or None
    draft.link_url = (draft.link_url or "").strip() or None
    draft.segment = (draft.segment or "").strip() or None
    if not draft.text:
        raise InvalidAnnouncement("กรุณาระบุข้อความประกาศ (--text) ข้อความว่างส่งไม่ได้")
    if len(draft.text) > MAX_TEXT:
        raise InvalidAnnouncement(f"ข้อความยาว {len(draft.text):,} ตัวอักษร เกินขีดจำกัดของ LINE "
                                  f"({MAX_TEXT:,} ตัวอักษร) กรุณาย่อ หรือใส่รายละเอียดไว้ที่ลิงก์ (--link)")
    if len(draft.title) > MAX_TITLE:
        raise InvalidAnnouncement(f"หัวข้อยาว {len(draft.title)} ตัวอักษร กรุณาย่อให้ไม่เกิน {MAX_TITLE} ตัวอักษร")
    _url(draft.image_url, "ลิงก์รูปภาพ", MAX_IMAGE_URL, https_only=True)
    _url(draft.link_url, "ลิงก์", MAX_LINK, https_only=False)
    if not draft.channels:
        raise InvalidAnnouncement("กรุณาระบุช่องทางอย่างน้อยหนึ่งช่องทาง: line หรือ facebook")
    parse_channels(",".join(draft.channels))
    if draft.segment and len(draft.segment) > MAX_SEGMENT:
        raise InvalidAnnouncement(f"ชื่อกลุ่มผู้รับยาวเกิน {MAX_SEGMENT} ตัวอักษร")
    if len(draft.topics) > MAX_TOPICS or any(len(t) > MAX_TOPIC for t in draft.topics):
        raise InvalidAnnouncement(f"หัวข้อข่าว (--topics) ได้ไม่เกิน {MAX_TOPICS} คำ คำละไม่เกิน {MAX_TOPIC} ตัวอักษร")
    if bool(draft.run_at) == bool(draft.cron):
        raise InvalidAnnouncement("กรุณาระบุเวลาส่งอย่างใดอย่างหนึ่ง: --at (ครั้งเดียว) หรือ --cron (ประกาศซ้ำ)")
    if "line" in draft.channels and bubble_bytes(line_messages(draft, office)) > LINE_BUBBLE_BYTES:
        raise InvalidAnnouncement("ประกาศนี้ยาวเกินกว่าที่การ์ด LINE รับได้ (30 KB) กรุณาย่อข้อความ")
    return draft

"""What staff do with announcements (create, edit, cancel, list, preview, see deliveries), and the sent
ones offered to the bot as news. Sending itself is in `runner`."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, update

from bot.thaitime import BANGKOK, thai_datetime
from bot.content.models import NewsItem
from bot.storage import utcnow
from bot.storage.prepared import Prepared

from .errors import BroadcastNotFound, BroadcastStateError, InvalidAnnouncement
from .models import CANCELLED, MISSED, SCHEDULED, SENDING, SENT, Broadcast, BroadcastBatch, BroadcastRun
from .recipients import line_follower_count, line_followers, messenger_followers
from .render import Sender, alt_text, headline, render, sender_of
from .schedule import next_fire_time, parse_cron, show
from .validate import Draft, check

EDITABLE = ("text", "title", "image_url", "link_url", "topics", "channels", "segment", "run_at", "cron")


def _office(services) -> Sender:
    return sender_of(services.content)


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(BANGKOK).isoformat() if dt else None


def _check_schedule(draft: Draft, now: datetime) -> None:
    if draft.run_at is not None and draft.run_at <= now:
        raise InvalidAnnouncement(f"เวลา {show(draft.run_at)} ผ่านไปแล้ว กรุณาระบุเวลาในอนาคต")
    if draft.cron:
        draft.cron = parse_cron(draft.cron, now).expression


def create(services, draft: Draft, now: datetime | None = None) -> Broadcast:
    now = now or utcnow()
    check(draft, _office(services))
    _check_schedule(draft, now)
    with services.db.session() as s:
        b = Broadcast(title=draft.title, text=draft.text, image_url=draft.image_url, link_url=draft.link_url,
                      topics=draft.topics, channels=draft.channels, segment=draft.segment, run_at=draft.run_at,
                      cron=draft.cron, schedule_from=now, status=SCHEDULED, revision=1, created_at=now,
                      updated_at=now)
        s.add(b)
        s.flush()
        return b


def get(services, broadcast_id: int) -> Broadcast:
    with services.db.session() as s:
        b = s.get(Broadcast, broadcast_id)
    if b is None:
        raise BroadcastNotFound(broadcast_id)
    return b


def _refuse(b: Broadcast, action: str) -> BroadcastStateError:
    reasons = {SENDING: "กำลังส่งอยู่", SENT: f"ส่งไปแล้วเมื่อ {show(b.sent_at)}", CANCELLED: "ถูกยกเลิกไปแล้ว",
               MISSED: "เลยเวลาส่งไปแล้ว (missed)", "failed": "ส่งไม่สำเร็จ (ใช้ send-now เพื่อส่งส่วนที่ค้างอีกครั้ง)"}
    return BroadcastStateError(f"ประกาศหมายเลข {b.id} {reasons.get(b.status, b.status)} จึง{action}ไม่ได้")


def edit(services, broadcast_id: int, changes: dict, now: datetime | None = None) -> Broadcast:
    """Change a scheduled announcement (a missed one too, when given a new time). Giving `run_at` makes it
    one-off, giving `cron` makes it recurring; `None` for image_url/link_url/segment removes them."""
    now = now or utcnow()
    b = get(services, broadcast_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    rescheduled = changes.get("run_at") is not None or changes.get("cron") is not None
    if b.status == MISSED and not rescheduled:
        raise BroadcastStateError(f"ประกาศหมายเลข {b.id} เลยเวลาส่งไปแล้ว กรุณาระบุเวลาใหม่ (--at หรือ --cron) "
                                  "หรือใช้ send-now เพื่อส่งทันที")
    if b.status not in (SCHEDULED, MISSED):
        raise _refuse(b, "แก้ไข")
    draft = Draft(text=b.text, title=b.title, image_url=b.image_url, link_url=b.link_url, topics=list(b.topics),
                  channels=list(b.channels), segment=b.segment, run_at=b.run_at, cron=b.cron)
    for key, value in changes.items():
        setattr(draft, key, value)
    if changes.get("run_at") is not None:
        draft.cron = None
    elif changes.get("cron") is not None:
        draft.run_at = None
    check(draft, _office(services))
    if rescheduled:
        _check_schedule(draft, now)
    values = dict(title=draft.title, text=draft.text, image_url=draft.image_url, link_url=draft.link_url,
                  topics=draft.topics, channels=draft.channels, segment=draft.segment, run_at=draft.run_at,
                  cron=draft.cron, status=SCHEDULED, revision=b.revision + 1, updated_at=now)
    if rescheduled:
        values["schedule_from"] = now
    with services.db.session() as s:
        moved = s.execute(update(Broadcast).where(Broadcast.id == b.id, Broadcast.status == b.status,
                                                  Broadcast.revision == b.revision)
                          .values(**values).execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            raise BroadcastStateError(f"ประกาศหมายเลข {b.id} เพิ่งเริ่มส่งหรือถูกแก้ไขโดยผู้อื่น "
                                      "กรุณาตรวจสอบแล้วลองใหม่")
    return get(services, b.id)


def cancel(services, broadcast_id: int, now: datetime | None = None) -> Broadcast:
    now = now or utcnow()
    b = get(services, broadcast_id)
    if b.status == CANCELLED:
        return b
    with services.db.session() as s:
        moved = s.execute(update(Broadcast).where(Broadcast.id == b.id, Broadcast.status.in_((SCHEDULED, MISSED)))
                          .values(status=CANCELLED, updated_at=now, revision=Broadcast.revision + 1)
                          .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise _refuse(get(services, b.id), "ยกเลิก")
    return get(services, b.id)


def next_run(b: Broadcast, last_run_at: datetime | None, now: datetime, grace: timedelta) -> datetime | None:
    """When it goes next: a one-off's time; for a recurrence, the next period not yet run (a period older
    than the grace time will be coalesced or missed, so it is not shown)."""
    if b.status != SCHEDULED:
        return None
    if not b.cron:
        return b.run_at
    after = max(t for t in (b.schedule_from, last_run_at, now - grace) if t is not None)
    return next_fire_time(b.cron, after)


def _last_runs(s, ids: list[int]) -> dict[int, BroadcastRun]:
    newest = (select(func.max(BroadcastRun.id)).where(BroadcastRun.broadcast_id.in_(ids))
              .group_by(BroadcastRun.broadcast_id))
    return {r.broadcast_id: r for r in s.scalars(select(BroadcastRun).where(BroadcastRun.id.in_(newest)))}


def describe(services, b: Broadcast, last: BroadcastRun | None, now: datetime | None = None) -> dict:
    now = now or utcnow()
    grace = timedelta(seconds=services.settings.broadcast_misfire_grace_seconds)
    last_scheduled = last.run_at if last is not None and not last.manual else None
    upcoming = next_run(b, last_scheduled, now, grace)
    return {
        "id": b.id,
        "status": b.status,
        "title": headline(b),
        "text": b.text,
        "channels": list(b.channels),
        "segment": b.segment,
        "topics": list(b.topics or []),
        "image_url": b.image_url,
        "link": b.link_url,
        "at": _iso(b.run_at),
        "cron": b.cron,
        "next_run": _iso(upcoming),
        "next_run_th": thai_datetime(upcoming) if upcoming else None,  # as people read it (BE, Thailand time)
        "last_run": None if last is None else {
            "run_at": _iso(last.run_at), "status": last.status, "finished_at": _iso(last.finished_at),
            "error": last.error, "note": last.note},
        "sent_at": _iso(b.sent_at),
        "created_at": _iso(b.created_at),
        "revision": b.revision,
    }


def list_broadcasts(services, now: datetime | None = None) -> list[dict]:
    with services.db.session() as s:
        broadcasts = list(s.scalars(select(Broadcast).order_by(Broadcast.id)))
        last = _last_runs(s, [b.id for b in broadcasts])
        return [describe(services, b, last.get(b.id), now) for b in broadcasts]


def preview(services, broadcast_id: int, now: datetime | None = None) -> dict:
    """The messages exactly as followers will receive them, and whom they would reach right now."""
    now = now or utcnow()
    b = get(services, broadcast_id)
    messages = render(b, _office(services), b.channels)
    out: dict = {"id": b.id, "status": b.status, "channels": list(b.channels)}
    with services.db.session() as s:
        if "line" in messages:
            audience = ({"kind": "multicast", "segment": b.segment, "followers": len(line_followers(s, b.segment))}
                        if b.segment else {"kind": "broadcast", "recorded_followers": line_follower_count(s)})
            out["line"] = {"altText": alt_text(b), "messages": messages["line"], "audience": audience}
        if "facebook" in messages:
            out["facebook"] = {"messages": messages["facebook"], "messaging_type": "UPDATE",
                               "audience": {"in_24h_window_now": len(messenger_followers(s, b.segment, now))}}
    return out


def deliveries(services, broadcast_id: int) -> list[dict]:
    """Each occurrence with its batches (channel, batch no., recipients, status, attempts, error, retry key)."""
    get(services, broadcast_id)
    with services.db.session() as s:
        runs = list(s.scalars(select(BroadcastRun).where(BroadcastRun.broadcast_id == broadcast_id)
                              .order_by(BroadcastRun.id)))
        batches = list(s.scalars(select(BroadcastBatch).where(BroadcastBatch.run_id.in_([r.id for r in runs]))
                                 .order_by(BroadcastBatch.channel.desc(), BroadcastBatch.batch_no)))
    return [{
        "run_at": _iso(r.run_at), "manual": r.manual, "status": r.status, "claimed_at": _iso(r.claimed_at),
        "finished_at": _iso(r.finished_at), "note": r.note, "error": r.error,
        "batches": [{"channel": x.channel, "batch_no": x.batch_no, "kind": x.kind,
                     "recipients": x.recipient_count, "status": x.status, "attempts": x.attempts,
                     "sent": x.sent_count, "refused": x.failed_count, "error": x.error,
                     "retry_key": x.retry_key, "updated_at": _iso(x.updated_at), "sent_at": _iso(x.sent_at)}
                    for x in batches if x.run_id == r.id],
    } for r in runs]


class _Published(NamedTuple):
    id: int
    title: str
    text: str
    topics: list | None
    link_url: str | None
    image_url: str | None
    sent_at: datetime


# Read for every news question: a named Core statement (bot/storage/prepared.py). Its LIMIT is a parameter
# (no limit: -1 on SQLite, NULL on PostgreSQL).
_B = Broadcast.__table__
_PUBLISHED = Prepared(select(*(_B.c[name] for name in _Published._fields)).where(_B.c.sent_at.is_not(None))
                      .order_by(_B.c.sent_at.desc()).limit(bindparam("b_limit")))


def published_announcements(services, limit: int | None = 20) -> list[NewsItem]:
    """Announcements that have gone out, newest first, as news items beside the content's news (the same
    fields: date, title, body, topics, url, image_url; the date is the day it was sent, in Thailand)."""
    with services.db.engine.connect() as c:
        rows = _PUBLISHED.all(c, {"b_limit": limit or (-1 if c.dialect.name == "sqlite" else None)})
    return [NewsItem(id=f"broadcast-{b.id}", date=b.sent_at.astimezone(BANGKOK).date(), title=headline(b),
                     topics=list(b.topics or []), body=b.text, url=b.link_url or "", image_url=b.image_url or "")
            for b in map(_Published._make, rows)]

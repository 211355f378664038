"""`python -m bot broadcast ...` (staff manage announcements) and `python -m bot scheduler` (the clock).

`create` prints only the new id, and `list --json` gives objects with id, status, next_run and channels:
other tools rely on both. Mistakes are explained in Thai on stderr, with exit status 2 (bad input) or 1
(not possible in the announcement's current state).
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from functools import wraps

from bot.thaitime import be_stamp, thai_datetime
from bot.config import from_env
from bot.storage import utcnow

from .context import broadcast_services
from .errors import BroadcastNotFound, BroadcastStateError, InvalidAnnouncement
from .models import SENT
from .schedule import parse_at, parse_cron, show
from .validate import CHANNEL_NAMES, CHANNELS, Draft, on, parse_channels, parse_topics


def register(sub) -> None:
    bc = sub.add_parser("broadcast", help="announcements to followers on LINE and Messenger")
    bsub = bc.add_subparsers(dest="broadcast_command", required=True)

    create = bsub.add_parser("create", help="schedule an announcement; prints its id")
    _content_options(create, creating=True)
    _when_options(create, required=True)
    create.set_defaults(func=_guard(cmd_create))

    lst = bsub.add_parser("list", help="all announcements with status and next run")
    lst.add_argument("--json", action="store_true", help="one JSON array")
    lst.set_defaults(func=_guard(cmd_list))

    for name, func, text in (("preview", cmd_preview, "print the LINE Flex / Messenger messages as JSON"),
                             ("show", cmd_show, "the announcement with every delivery batch"),
                             ("cancel", cmd_cancel, "cancel before it goes (stops a recurring one)"),
                             ("send-now", cmd_send_now, "send now (a failed one: send what did not go)")):
        p = bsub.add_parser(name, help=text)
        p.add_argument("id", type=int)
        if name == "send-now":
            p.add_argument("--resume", action="store_true",
                           help="finish one left 'sending' by a sender that is gone, without waiting for its lease")
        p.set_defaults(func=_guard(func))

    edit = bsub.add_parser("edit", help="change a scheduled announcement (\"\" removes image, link, segment)")
    edit.add_argument("id", type=int)
    _content_options(edit, creating=False)
    _when_options(edit, required=False)
    edit.set_defaults(func=_guard(cmd_edit))

    sched = sub.add_parser("scheduler", help="run the clock process that sends announcements on time")
    sched.set_defaults(func=cmd_scheduler)


def _content_options(p, creating: bool) -> None:
    p.add_argument("--text", required=creating, help="the announcement (up to 5000 characters)")
    p.add_argument("--title", help="headline, shown bold on the card")
    p.add_argument("--image-url", help="https:// link to a JPEG or PNG shown on the card")
    p.add_argument("--link", help="page opened by the card's button")
    p.add_argument("--channels", help=f"comma-separated: {','.join(CHANNELS)} (default: the configured ones)")
    p.add_argument("--segment", help="only recorded followers of this segment (LINE multicast)")
    p.add_argument("--topics", help="comma-separated news topics, for the bot's news answers")


def _when_options(p, required: bool) -> None:
    when = p.add_mutually_exclusive_group(required=required)
    when.add_argument("--at", metavar="YYYY-MM-DDTHH:MM[:SS]",
                      help="once, at this time (Asia/Bangkok); the year in BE (2569) or CE (2026)")
    when.add_argument("--cron", metavar='"m h dom mon dow"', help='recurring, e.g. "0 9 * * 1" = Mondays 09:00')


def _guard(func):
    @wraps(func)
    def run(args) -> int:
        try:
            return func(args) or 0
        except InvalidAnnouncement as exc:
            print(f"ข้อมูลประกาศไม่ถูกต้อง: {exc}", file=sys.stderr)
            return 2
        except BroadcastNotFound as exc:
            print(f"ไม่พบประกาศหมายเลข {exc.args[0]} (ดูรายการด้วย `python -m bot broadcast list`)", file=sys.stderr)
            return 1
        except BroadcastStateError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    return run


def _services():
    return broadcast_services(from_env())


def _default_channels(settings) -> list[str]:
    enabled = [c for c in CHANNELS if on(settings, c)]
    return enabled or list(CHANNELS)


def _warn_unconfigured(settings, channels: list[str]) -> None:
    off = [c for c in channels if not on(settings, c)]
    for channel in off:
        print(f"หมายเหตุ: ยังไม่ได้ตั้งค่า {CHANNEL_NAMES[channel]} ในระบบ ประกาศจะส่งทางช่องทางนี้ไม่สำเร็จ "
              "จนกว่าจะตั้งค่า", file=sys.stderr)


def _changes(args, now) -> dict:
    changes: dict = {}
    if args.text is not None:
        changes["text"] = args.text
    if args.title is not None:
        changes["title"] = args.title
    if args.image_url is not None:
        changes["image_url"] = args.image_url or None
    if args.link is not None:
        changes["link_url"] = args.link or None
    if args.channels is not None:
        changes["channels"] = parse_channels(args.channels)
    if args.segment is not None:
        changes["segment"] = args.segment or None
    if args.topics is not None:
        changes["topics"] = parse_topics(args.topics)
    if args.at is not None:
        changes["run_at"] = parse_at(args.at, now)
    if args.cron is not None:
        changes["cron"] = parse_cron(args.cron, now).expression
    return changes


def cmd_create(args) -> int:
    from .service import create

    services, now = _services(), utcnow()
    changes = _changes(args, now)
    changes.setdefault("channels", _default_channels(services.settings))
    b = create(services, Draft(**changes), now)
    _warn_unconfigured(services.settings, b.channels)
    print(b.id)
    return 0


def cmd_edit(args) -> int:
    from .service import edit

    services, now = _services(), utcnow()
    changes = _changes(args, now)
    if not changes:
        print("ไม่มีอะไรให้แก้ไข กรุณาระบุอย่างน้อยหนึ่งตัวเลือก เช่น --text หรือ --at", file=sys.stderr)
        return 2
    b = edit(services, args.id, changes, now)
    _warn_unconfigured(services.settings, b.channels)
    when = f"ทุกรอบตาม cron \"{b.cron}\"" if b.cron else show(b.run_at)
    print(f"แก้ไขประกาศหมายเลข {b.id} แล้ว จะส่ง {when}")
    return 0


def cmd_list(args) -> int:
    from .service import list_broadcasts

    rows = list_broadcasts(_services())
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("ยังไม่มีประกาศ")
        return 0
    print(f"{'ID':>4}  {'STATUS':<9}  {'NEXT RUN (พ.ศ.)':<16}  {'CHANNELS':<14}  TITLE")
    for r in rows:
        nxt = be_stamp(datetime.fromisoformat(r["next_run"])) if r["next_run"] else "-"
        print(f"{r['id']:>4}  {r['status']:<9}  {nxt:<16}  {','.join(r['channels']):<14}  "
              f"{r['title'][:50]}{' (ซ้ำ: ' + r['cron'] + ')' if r['cron'] else ''}")
    return 0


def cmd_preview(args) -> int:
    from .service import preview

    print(json.dumps(preview(_services(), args.id), ensure_ascii=False, indent=2))
    return 0


def cmd_show(args) -> int:
    from .service import deliveries, describe, get

    services = _services()
    out = describe(services, get(services, args.id), None)
    out.pop("last_run")
    out["deliveries"] = deliveries(services, args.id)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def cmd_cancel(args) -> int:
    from .service import cancel

    b = cancel(_services(), args.id)
    print(f"ยกเลิกประกาศหมายเลข {b.id} แล้ว")
    return 0


def cmd_send_now(args) -> int:
    from tqdm import tqdm

    from .runner import run_record, send_now

    services = _services()
    bars: list = []

    def progress(total: int):
        bar = tqdm(total=total, unit=" คน", desc=f"ประกาศ {args.id}", file=sys.stderr, disable=None)
        bars.append(bar)
        return bar.update

    try:
        outcome = send_now(services, args.id, progress=progress, resume=args.resume)
    finally:
        for bar in bars:
            bar.close()
    run, batches = run_record(services, outcome.run_id)
    for b in batches:
        who = (f"{b.sent_count:,} คน" + (f", ส่งไม่ถึง {b.failed_count:,} คน" if b.failed_count else "")
               if b.kind == "messenger" else f"{b.recipient_count:,} คน")
        extra = f" — {b.error}" if b.error else ""
        print(f"{CHANNEL_NAMES[b.channel]} ชุดที่ {b.batch_no} ({b.kind}, {who}): {b.status}, "
              f"พยายาม {b.attempts} ครั้ง{extra}")
    if run.note:
        print(f"หมายเหตุ: {run.note}")
    if outcome.status == SENT:
        print(f"ส่งประกาศหมายเลข {args.id} เรียบร้อยแล้ว เมื่อ {thai_datetime(utcnow())}")
        return 0
    print(f"ประกาศหมายเลข {args.id}: {outcome.status} (ดูรายละเอียดด้วย `python -m bot broadcast show {args.id}`)",
          file=sys.stderr)
    return 1


def cmd_scheduler(args) -> int:
    from bot.storage import warn_if_sqlite

    from .clock import serve

    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every sync run at INFO
    services = _services()
    warn_if_sqlite(services.settings.database_url, "announcement clock")
    return serve(services)

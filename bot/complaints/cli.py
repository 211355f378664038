"""`python -m bot complaints ...` (list, show, set-status, stats, purge-personal-data) and
`python -m bot feedback stats`: the staff's side of complaints, and the figures ITA asks to publish."""
from __future__ import annotations

import csv
import json
import sys
from datetime import timedelta

from sqlalchemy import select

from bot.config import from_env
from bot.feedback.models import Feedback
from bot.services import NoUnderstanding, Services, build_services
from scoring import feedback as feedback_scoring

from . import content as cc
from bot.outbox.worker import deliver_due

from . import alerts, forwarding, service
from .content import STATUSES
from .models import Complaint
from .purge import purge_personal_data
from .stats import Period, summarise
from bot.thaitime import argument, parse_year, thai_datetime


def cli_services() -> Services:
    return build_services(from_env(), understander=NoUnderstanding())


def register(sub) -> None:
    c = sub.add_parser("complaints", help="complaints and corruption reports (staff)")
    csub = c.add_subparsers(dest="complaints_command", required=True)
    p = csub.add_parser("list", help="list complaints, oldest first")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = csub.add_parser("show", help="one complaint in full (never the reporter's account)")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    p = csub.add_parser("set-status", help="change the status and notify the reporter")
    p.add_argument("code")
    p.add_argument("status", choices=STATUSES)
    p.add_argument("--note", help="what the reporter is told")
    p.set_defaults(func=cmd_set_status)
    p = csub.add_parser("forward", help="move to another unit of the office, or send to another agency "
                                        "(the reporter is told; the new unit alerted)")
    p.add_argument("code")
    to = p.add_mutually_exclusive_group(required=True)
    to.add_argument("--unit", help="a unit of content/complaints.yaml")
    to.add_argument("--agency", help="the other agency's name")
    p.add_argument("--contact", help="where the reporter follows it up at that agency (with --agency)")
    p.set_defaults(func=cmd_forward)
    p = csub.add_parser("stats", help="counts by month, category and status; mean days to close")
    p.add_argument("--year", type=argument(parse_year), help="calendar year, BE (2567) or CE (2024)")
    p.add_argument("--fiscal", action="store_true", help="the Thai fiscal year ending in --year")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    p.set_defaults(func=cmd_stats)
    p = csub.add_parser("purge-personal-data", help="PDPA: remove personal data of complaints closed long ago")
    p.add_argument("--older-than", type=int, required=True, metavar="DAYS", help="closed more than DAYS ago")
    p.set_defaults(func=cmd_purge)

    f = sub.add_parser("feedback", help="satisfaction feedback")
    fsub = f.add_subparsers(dest="feedback_command", required=True)
    p = fsub.add_parser("stats", help="mean, distribution and months, like EIT perception")
    p.add_argument("--year", type=argument(parse_year), help="calendar year, BE (2567) or CE (2024)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_feedback_stats)


def dump(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_list(args) -> int:
    services = cli_services()
    complaints = service.listing(services, args.status)
    views = [service.staff_view(services, c) for c in complaints]
    if args.json:
        dump(views)
        return 0
    for c, v in zip(complaints, views):
        who = "ไม่ระบุตัวตน" if v["anonymous"] else "ระบุตัวตน"
        print(f"{v['code']}\t{v['status_label']}\t{v['category_label']}\t{who}\t{v['channel']}\t"
              f"{thai_datetime(c.created_at)}")
    if not views:
        print("ไม่มีเรื่องร้องเรียน")
    return 0


def cmd_show(args) -> int:
    services = cli_services()
    with services.db.session() as s:
        complaint = service.load(s, args.code)
        view = service.staff_view(services, complaint, full=True) if complaint else None
        who = alerts.reporter_line(services, complaint) if complaint else ""
    if view is None:
        print(f"no complaint {args.code}", file=sys.stderr)
        return 1
    if args.json:
        dump(view)
        return 0
    print(f"{view['code']}  {view['category_label']}  [{view['status_label']}]")
    print(f"ผู้แจ้ง: {who}  ช่องทาง: {view['channel']}")
    print(f"\n{view['details']}\n")
    if view["location"]:
        loc = view["location"]
        print(f"ตำแหน่ง: {loc['latitude']}, {loc['longitude']} {loc.get('title') or ''}".rstrip())
    for e in view["evidence"]:
        print(f"หลักฐาน: {e['mime']} {e['size']} ไบต์ {e['file'] or '(ลบแล้ว)'}")
    print(f"หน่วยงานที่ดูแล: {view['unit_name']}")
    if view["forwarded_agency"]:
        print(f"ส่งต่อไปยัง: {view['forwarded_agency']}" + (f" ({view['forwarded_contact']})"
                                                          if view["forwarded_contact"] else ""))
    if view["rating"]:
        print(f"คะแนนจากผู้ร้อง: {view['rating']}/5" + (f" — {view['rating_comment']}" if view["rating_comment"] else ""))
    if view["reopened"]:
        print(f"เปิดเรื่องอีกครั้ง: {view['reopened']} ครั้ง")
    for h in view["history"]:
        print(f"{h['at']}  {h['status_label']}" + (f" — {h['note']}" if h["note"] else ""))
    return 0


def cmd_set_status(args) -> int:
    services = cli_services()
    try:
        complaint = service.set_status(services, args.code, args.status, args.note)
    except service.NotFound:
        print(f"no complaint {args.code}", file=sys.stderr)
        return 1
    result = deliver_due(services)
    label = cc.of(services).status_label(complaint.status)
    print(f"{complaint.code}: {label}; messages sent now: {result.sent}, to retry: {result.retrying}, "
          f"failed: {result.failed}")
    return 0


def cmd_forward(args) -> int:
    services = cli_services()
    if args.contact and not args.agency:
        print("--contact goes with --agency", file=sys.stderr)
        return 2
    try:
        if args.unit:
            done = forwarding.to_unit(services, args.code, args.unit)
        else:
            done = forwarding.to_agency(services, args.code, args.agency, args.contact)
    except service.NotFound:
        print(f"no complaint {args.code}", file=sys.stderr)
        return 1
    except forwarding.Refused as exc:
        print(str(exc), file=sys.stderr)
        return 2
    result = deliver_due(services)
    print(f"{done.complaint.code}: ส่งต่อให้ {done.to} แล้ว; messages sent now: {result.sent}, "
          f"to retry: {result.retrying}, failed: {result.failed}")
    return 0


def cmd_stats(args) -> int:
    services = cli_services()
    with services.db.session() as s:
        rows = list(s.scalars(select(Complaint)))
    period = Period(args.year, args.fiscal) if args.year else None  # already CE: argument(parse_year)
    summary = summarise(rows, period)
    if args.json:
        dump(summary)
        return 0
    if args.csv:
        out = csv.writer(sys.stdout)
        out.writerow(["section", "key", "value"])
        out.writerow(["total", "", summary["total"]])
        for section in ("by_month", "by_category", "by_status"):
            for key, value in summary[section].items():
                out.writerow([section, key, value])
        out.writerow(["mean_days_to_close", "", summary["mean_days_to_close"] if summary["closed"] else ""])
        out.writerow(["ratings", "count", summary["ratings"]["count"]])
        out.writerow(["ratings", "mean", summary["ratings"]["mean"] if summary["ratings"]["count"] else ""])
        for key in ("reopened", "reopenings", "forwarded_to_agencies"):
            out.writerow([key, "", summary[key]])
        return 0
    content = cc.of(services)
    print(f"สถิติเรื่องร้องเรียน {summary['period']}: {summary['total']} เรื่อง")
    print("รายเดือน: " + ", ".join(f"{m} {n}" for m, n in summary["by_month"].items()))
    print("ตามหัวข้อ: " + ", ".join(f"{content.category_label(k)} {n}" for k, n in summary["by_category"].items()))
    print("ตามสถานะ: " + ", ".join(f"{content.status_label(k)} {n}" for k, n in summary["by_status"].items()))
    mean = summary["mean_days_to_close"]
    print(f"ปิดเรื่องแล้ว {summary['closed']} เรื่อง" + (f" เฉลี่ย {mean:.2f} วัน" if mean is not None else ""))
    ratings = summary["ratings"]
    print(f"ผู้ร้องให้คะแนนการดำเนินการ {ratings['count']} เรื่อง" +
          (f" เฉลี่ย {ratings['mean']:.2f} จาก 5" if ratings["mean"] is not None else ""))
    print(f"เปิดเรื่องอีกครั้งเพราะยังไม่ได้รับการแก้ไข {summary['reopened']} เรื่อง ({summary['reopenings']} ครั้ง); "
          f"ส่งต่อหน่วยงานอื่น {summary['forwarded_to_agencies']} เรื่อง")
    return 0


def cmd_purge(args) -> int:
    if args.older_than < 0:
        print("--older-than must be 0 or more days", file=sys.stderr)
        return 2
    purged = purge_personal_data(cli_services(), timedelta(days=args.older_than))
    print(f"personal data removed from {purged.complaints} closed complaint(s); evidence files removed: "
          f"{purged.files}; files of abandoned drafts removed: {purged.draft_files}; reporters' chat rows "
          f"removed: {purged.account_rows}; departed followers removed: {purged.followers}; sent messages "
          f"removed: {purged.sent_messages}")
    return 0


def cmd_feedback_stats(args) -> int:
    services = cli_services()
    with services.db.session() as s:
        rows = list(s.scalars(select(Feedback)))
    summary = feedback_scoring.summarise(rows, args.year)
    if args.json:
        dump(summary)
    else:
        print(feedback_scoring.short_th(summary))
        for m in summary["by_month"]:
            print(f"{m['month']}: {m['count']} คำตอบ เฉลี่ย {m['mean']:.2f}")
    return 0

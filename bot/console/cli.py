"""`python -m bot users create|list|disable|reset-password` and `python -m bot audit list`: the console's
accounts and its audit trail from the command line."""
from __future__ import annotations

import getpass
import json
import sys
from datetime import datetime, time
from pathlib import Path

from bot.config import from_env
from bot.services import NoUnderstanding, Services, build_services
from bot.thaitime import BANGKOK, argument, parse_be_year, parse_date, thai_datetime

from . import audit, people
from .models import ROLES
from .thaidates import BadDate


def cli_services() -> Services:
    return build_services(from_env(), understander=NoUnderstanding())


def register(sub) -> None:
    u = sub.add_parser("users", help="console accounts (admin, staff, integrity)")
    usub = u.add_subparsers(dest="users_command", required=True)
    p = usub.add_parser("create", help="a new account; asks for the password twice unless --password-stdin")
    p.add_argument("username")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_create)
    p = usub.add_parser("list", help="accounts with role and state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = usub.add_parser("disable", help="turn an account off and end its sessions at once")
    p.add_argument("username")
    p.set_defaults(func=cmd_disable)
    p = usub.add_parser("reset-password", help="set a new password and end the account's sessions")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_reset)

    a = sub.add_parser("audit", help="the console's audit log")
    asub = a.add_subparsers(dest="audit_command", required=True)
    p = asub.add_parser("list", help="who did what and when, oldest first")
    p.add_argument("--since", type=argument(parse_date),
                   help="from this day (Thailand time), e.g. 2569-12-01 or 2026-12-01")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)

    e = sub.add_parser("evidence", help="the ITA evidence pack: complaint and corruption-report statistics, "
                                        "satisfaction and Q&A for a fiscal year (Buddhist era)")
    e.add_argument("--fiscal-year", type=argument(parse_be_year),
                   help="e.g. 2569 (1 October 2568 to 30 September 2569); 2026 means the same")
    # read by evidence_pack.period_from, with the same parser (bot.thaitime.parse_date)
    e.add_argument("--from", dest="since", help="first day, e.g. 2568-10-01 (Buddhist era) or 2025-10-01")
    e.add_argument("--to", dest="until", help="last day (included), e.g. 2569-03-31 or 2026-03-31")
    fmt = e.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true")
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--html", action="store_true", help="the printable page an office can publish")
    fmt.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook (one sheet a table) to FILE")
    e.set_defaults(func=cmd_evidence)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("รหัสผ่าน: ")
    if first != getpass.getpass("ยืนยันรหัสผ่านอีกครั้ง: "):
        raise people.AccountError("รหัสผ่านทั้งสองครั้งไม่ตรงกัน")
    return first


def refused(exc: Exception) -> int:
    print(f"ไม่สำเร็จ: {exc}", file=sys.stderr)
    return 1


def cmd_create(args) -> int:
    try:
        user = people.create(cli_services(), args.username, args.role, read_password(args.password_stdin))
    except people.AccountError as exc:
        return refused(exc)
    print(f"สร้างผู้ใช้ {user.username} บทบาท {user.role} แล้ว")
    return 0


def cmd_list(args) -> int:
    rows = [{"username": u.username, "role": u.role, "active": u.active,
             "last_sign_in": u.last_sign_in_at.isoformat(timespec="minutes") if u.last_sign_in_at else None}
            for u in people.listing(cli_services())]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r, u in zip(rows, people.listing(cli_services())):
        state = "ใช้งาน" if r["active"] else "ปิดแล้ว"
        last = thai_datetime(u.last_sign_in_at) if u.last_sign_in_at else "ยังไม่เคยเข้าระบบ"
        print(f"{r['username']}\t{r['role']}\t{state}\t{last}")
    return 0


def cmd_disable(args) -> int:
    try:
        people.disable(cli_services(), args.username)
    except people.AccountError as exc:
        return refused(exc)
    print(f"ปิดบัญชี {args.username} และยุติการเข้าระบบทุกเครื่องแล้ว")
    return 0


def cmd_reset(args) -> int:
    try:
        people.reset_password(cli_services(), args.username, read_password(args.password_stdin))
    except people.AccountError as exc:
        return refused(exc)
    print(f"ตั้งรหัสผ่านใหม่ให้ {args.username} แล้ว (ต้องเข้าระบบใหม่ทุกเครื่อง)")
    return 0


def cmd_audit(args) -> int:
    since = datetime.combine(args.since, time(0), tzinfo=BANGKOK) if args.since else None
    rows = audit.entries(cli_services(), since)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        at = thai_datetime(datetime.fromisoformat(r["at"]))
        print("\t".join([at, r["user"] or "-", r["action"], r["complaint"] or "-", r["detail"] or ""]))
    return 0


def cmd_evidence(args) -> int:
    from . import evidence_pack

    try:
        start, end, fy = evidence_pack.period_from(args.fiscal_year, args.since, args.until)
    except BadDate as exc:
        return refused(exc)
    services = cli_services()
    pack = evidence_pack.build(services, start, end, fy)
    kind = "csv" if args.csv else "json" if args.json else "html" if args.html else "xlsx" if args.xlsx else "text"
    if args.xlsx:
        try:
            Path(args.xlsx).write_bytes(evidence_pack.to_xlsx(pack))
        except OSError as exc:
            return refused(f"เขียนไฟล์ {args.xlsx} ไม่ได้ ({exc.strerror})")
    audit.log(services, None, "evidence_exported", detail=f"cli {kind} {pack['from']}..{pack['to']}")
    if args.csv:
        sys.stdout.write(evidence_pack.to_csv(pack))
    elif args.json:
        print(json.dumps(pack, ensure_ascii=False, indent=2))
    elif args.html:
        print(evidence_pack.to_html(pack))
    elif args.xlsx:
        print(f"บันทึกหลักฐาน ITA เป็น {args.xlsx} แล้ว")
    else:
        print(evidence_text(pack))
    return 0


def evidence_text(pack: dict) -> str:
    """The pack in a few lines for the terminal: each ITA item and what answers it."""
    from .evidence_export import evidence_text as line

    head = [f"{pack['office']} ช่วงเวลา {pack['period_th']}"]
    if pack["items_year"]:
        head.append(f"รายการข้อตามการประเมิน ITA ปี {pack['items_year']}")
    lines = [f"{i['number']} {i['title']}\n" + "\n".join(f"  {line(pack, s)}" for s in i["answered_by"])
             for i in pack["items"]]
    named = {s for i in pack["items"] for s in i["answered_by"]}
    lines += [line(pack, s) for s in ("corruption", "complaints", "online", "ratings") if s not in named]
    return "\n".join(head + lines)

"""`python -m bot unanswered ...`: the questions the bot could not answer, grouped, for staff to answer,
attach to an existing answer, or dismiss."""
from __future__ import annotations

import json
import sys

from bot.console import audit
from bot.office_answers import store
from bot.thaitime import thai_datetime


def register(sub) -> None:
    u = sub.add_parser("unanswered", help="questions the bot could not answer (masked, grouped)")
    usub = u.add_subparsers(dest="unanswered_command", required=True)
    p = usub.add_parser("list", help="open groups, the most recently asked first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = usub.add_parser("answer", help="publish a new answer to the group's questions")
    p.add_argument("group_id", type=int)
    p.add_argument("--answer", required=True)
    p.set_defaults(func=cmd_answer)
    p = usub.add_parser("attach", help="the group's questions become wordings of an existing answer")
    p.add_argument("group_id", type=int)
    p.add_argument("answer_id", type=int)
    p.set_defaults(func=cmd_attach)
    p = usub.add_parser("dismiss", help="not for the office to answer: off the list")
    p.add_argument("group_id", type=int)
    p.set_defaults(func=cmd_dismiss)


def _services():
    from bot.complaints.cli import cli_services

    return cli_services()


def cmd_list(args) -> int:
    with _services().db.session() as s:
        found = store.groups(s)
    views = [{"id": g.id, "count": g.count, "first_seen": g.first_seen.isoformat(timespec="seconds"),
              "last_seen": g.last_seen.isoformat(timespec="seconds"), "examples": g.examples} for g in found]
    if args.json:
        print(json.dumps(views, ensure_ascii=False, indent=2))
        return 0
    if not views:
        print("no unanswered questions")
    for g in found:  # Thailand time, Buddhist era
        print(f"{g.id}\t{g.count} ครั้ง\tล่าสุด {thai_datetime(g.last_seen)}\t" + " | ".join(g.examples))
    return 0


def _changing(args, change, action: str, done: str) -> int:
    services = _services()
    try:
        with services.db.session() as s:
            result = change(s)
            audit.record(s, None, action, detail=f"cli group {args.group_id}")
    except store.NotFound as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(done.format(result=result, group=args.group_id))
    return 0


def cmd_answer(args) -> int:
    if not args.answer.strip():
        print("the answer must not be empty", file=sys.stderr)
        return 2
    return _changing(args, lambda s: store.answer_group(s, args.group_id, args.answer), "unanswered_answered",
                     "group {group} answered: answer {result} published")


def cmd_attach(args) -> int:
    return _changing(args, lambda s: store.attach_group(s, args.group_id, args.answer_id), "unanswered_attached",
                     f"group {{group}}'s questions added to answer {args.answer_id}")


def cmd_dismiss(args) -> int:
    return _changing(args, lambda s: store.dismiss_group(s, args.group_id), "unanswered_dismissed",
                     "group {group} dismissed")

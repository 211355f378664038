"""`python -m bot staff groups`: the LINE groups the bot has joined, whose ids can be alert targets
(STAFF_LINE_TARGETS, or a unit's line_targets in content/complaints.yaml)."""
from __future__ import annotations

import json

from sqlalchemy import select

from bot.complaints.cli import cli_services
from bot.storage.models import ChatGroup


def register(sub) -> None:
    s = sub.add_parser("staff", help="staff alert targets")
    ssub = s.add_subparsers(dest="staff_command", required=True)
    p = ssub.add_parser("groups", help="LINE groups and rooms the bot has joined")
    p.add_argument("--all", action="store_true", help="also groups the bot has left")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_groups)


def cmd_groups(args) -> int:
    services = cli_services()
    with services.db.session() as s:
        query = select(ChatGroup).order_by(ChatGroup.joined_at)
        if not args.all:
            query = query.where(ChatGroup.active.is_(True))
        groups = list(s.scalars(query))
    targets = set(services.settings.staff_line_targets)
    views = [{"channel": g.channel, "group_id": g.group_id, "kind": g.kind, "active": g.active,
              "joined_at": g.joined_at.isoformat(), "alert_target": g.group_id in targets} for g in groups]
    if args.json:
        print(json.dumps(views, ensure_ascii=False, indent=2))
        return 0
    if not views:
        print("the bot has not joined any group yet: invite it to the staff group on LINE")
    for v in views:
        mark = "  (in STAFF_LINE_TARGETS)" if v["alert_target"] else ""
        print(f"{v['channel']}\t{v['kind']}\t{v['group_id']}\tjoined {v['joined_at'][:10]}"
              f"{'' if v['active'] else ' (left)'}{mark}")
    return 0

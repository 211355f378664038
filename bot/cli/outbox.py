"""`python -m bot outbox run|list|retry`: the delivery worker for staff alerts and reporter notices.

Run it beside the web app (Procfile: `worker: python -m bot outbox run`); the app also tries each message
right after its commit, so the worker matters when a platform or the mail server was down.
"""
from __future__ import annotations

import json
import logging

from sqlalchemy import select

from bot.complaints.alerts import warn_if_unrouted
from bot.complaints.cli import cli_services
from bot.outbox.models import OutboxMessage
from bot.outbox.rows import retry_failed
from bot.outbox.worker import Worker
from bot.storage import warn_if_sqlite


def register(sub) -> None:
    o = sub.add_parser("outbox", help="deliver queued staff alerts and reporter notices")
    osub = o.add_subparsers(dest="outbox_command", required=True)
    p = osub.add_parser("run", help="deliver due messages, retrying with backoff, until stopped")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between passes (default 5)")
    p.set_defaults(func=cmd_run)
    p = osub.add_parser("list", help="queued and failed messages")
    p.add_argument("--status", choices=["pending", "sent", "failed"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = osub.add_parser("retry", help="queue failed messages again (after fixing the configuration)")
    p.add_argument("id", nargs="?", type=int, help="one message; all failed ones when left out")
    p.set_defaults(func=cmd_retry)


def cmd_run(args) -> int:
    logging.getLogger("bot").setLevel(logging.INFO)
    services = cli_services()
    warn_if_unrouted(services)
    if not args.once:
        warn_if_sqlite(services.settings.database_url, "outbox worker")
    worker = Worker(services, interval=args.interval)
    try:
        result = worker.run(once=args.once)
    except KeyboardInterrupt:
        return 0
    if args.once:
        print(f"sent {result.sent}, to retry {result.retrying}, failed {result.failed}")
    return 0


def cmd_list(args) -> int:
    services = cli_services()
    with services.db.session() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if args.status:
            query = query.where(OutboxMessage.status == args.status)
        rows = list(s.scalars(query))
    # The target of a reporter notice is a complaint id, never the reporter's account.
    views = [{"id": r.id, "channel": r.channel, "target": r.target, "purpose": r.purpose, "ref": r.ref,
              "status": r.status, "attempts": r.attempts, "next_attempt_at": r.next_attempt_at.isoformat(),
              "last_error": r.last_error} for r in rows]
    if args.json:
        print(json.dumps(views, ensure_ascii=False, indent=2))
        return 0
    for v in views:
        print(f"{v['id']}\t{v['status']}\t{v['channel']}:{v['target']}\t{v['purpose']} {v['ref'] or ''}\t"
              f"tries {v['attempts']}\t{v['last_error'] or ''}")
    return 0


def cmd_retry(args) -> int:
    n = retry_failed(cli_services(), args.id)
    print(f"queued again: {n}")
    return 0

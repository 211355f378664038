"""`python -m bot db upgrade` and `python -m bot db purge`."""
from __future__ import annotations

from datetime import timedelta

from bot.config import from_env
from bot.storage import Database
from bot.storage.migrate import upgrade
from bot.housekeeping import purge


def register(sub) -> None:
    db = sub.add_parser("db", help="database")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="create or migrate the database to the latest schema")
    up.set_defaults(func=cmd_upgrade)
    pg = dbsub.add_parser("purge", help="delete old conversation states, seen event ids and shown web messages")
    pg.add_argument("--older-than-days", type=int, default=30, metavar="DAYS")
    pg.set_defaults(func=cmd_purge)


def cmd_upgrade(args) -> int:
    from bot.content import load_content

    settings = from_env()
    load_content(settings.content_dir)  # the release step refuses broken content (ContentError: exit 2)
    upgrade(settings.database_url)
    print(f"database at the latest schema: {settings.database_url}")
    return 0


def cmd_purge(args) -> int:
    if args.older_than_days < 1:
        print("--older-than-days must be at least 1", flush=True)
        return 2
    settings = from_env()
    db = Database(settings.database_url)
    counts = purge(db, timedelta(days=args.older_than_days),
                   history_ttl=timedelta(minutes=settings.state_ttl_minutes))
    db.dispose()
    print(", ".join(f"{table}: {n} deleted" for table, n in counts.items()))
    return 0

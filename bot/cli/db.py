"""`python -m bot db upgrade`."""
from __future__ import annotations

from bot.config import from_env
from bot.storage.migrate import upgrade


def register(sub) -> None:
    db = sub.add_parser("db", help="database")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="create or migrate the database to the latest schema")
    up.set_defaults(func=cmd_upgrade)


def cmd_upgrade(args) -> int:
    settings = from_env()
    upgrade(settings.database_url)
    print(f"database at the latest schema: {settings.database_url}")
    return 0

"""How many wrong tracking codes a client may try: LIMIT an hour, then no code is looked up for BLOCK.

A code shows its case's status to whoever types it (codes.py), so guessing must stay hopeless. A client is
the chat account (a LINE or Messenger user, a web session) and, on the web where sessions are free, also
the client address; either at the limit refuses the look-up, a right code included. Counts are rows in
the database, shared by every worker, under a keyed hash of the client (REPORTER_KEY, as the reporter keys
are), so the table names nobody.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, case, delete, or_, select

from bot.core.origin import client_origin
from bot.storage import per_dialect, utcnow

from .models import CodeGuess

if TYPE_CHECKING:
    from bot.services import Services

LIMIT = 10
WINDOW = timedelta(hours=1)
BLOCK = timedelta(hours=1)

clock = utcnow  # tests move it

_T = CodeGuess.__table__
_WHEN = _T.c.window_start.type


def _count(insert):
    """One more wrong code: a new window when the last one is over, else one more in it, blocking at LIMIT."""
    over = _T.c.window_start <= bindparam("window_from", type_=_WHEN)
    now = bindparam("now", type_=_WHEN)
    return insert(_T).values(key=bindparam("key"), wrong=1, window_start=now).on_conflict_do_update(
        index_elements=[_T.c.key],
        set_={"wrong": case((over, 1), else_=_T.c.wrong + 1),
              "window_start": case((over, now), else_=_T.c.window_start),
              "blocked_until": case((and_(~over, _T.c.wrong + 1 >= LIMIT), bindparam("until", type_=_WHEN)),
                                    else_=_T.c.blocked_until)})


COUNT = per_dialect(_count)


def clients(services: Services, channel: str, user_id: str) -> list[str]:
    """The keys a look-up counts against: the account, and on the web the client address too."""
    secret = services.settings.reporter_secret
    keys = [hmac.new(secret, f"guess:{channel}:{user_id}".encode("utf-8"), hashlib.sha256).hexdigest()]
    origin = client_origin.get() if channel == "web" else ""
    if origin:
        keys.append(hmac.new(secret, f"guess-origin:{origin}".encode("utf-8"), hashlib.sha256).hexdigest())
    return keys


def refused_until(services: Services, keys: list[str], now: datetime | None = None) -> datetime | None:
    """When these clients may look codes up again, if they may not now."""
    now = now or clock()
    with services.db.engine.connect() as c:
        until = c.scalar(select(_T.c.blocked_until).where(_T.c.key.in_(keys), _T.c.blocked_until > now)
                         .order_by(_T.c.blocked_until.desc()).limit(1))
    return until


def count_wrong(services: Services, keys: list[str], now: datetime | None = None) -> None:
    """A code these clients typed matched no case they may see; rows of clients long quiet go with it."""
    now = now or clock()
    with services.db.engine.begin() as c:
        statement = COUNT[c.dialect.name]
        for key in keys:
            c.execute(statement, {"key": key, "now": now, "window_from": now - WINDOW, "until": now + BLOCK})
        forget_quiet(c, now)


def forget_quiet(conn, now: datetime) -> int:
    """Rows of clients long quiet (on every wrong guess, and daily by `db purge`)."""
    return conn.execute(delete(_T).where(_T.c.window_start < now - WINDOW - BLOCK,
                                         or_(_T.c.blocked_until.is_(None), _T.c.blocked_until < now))).rowcount

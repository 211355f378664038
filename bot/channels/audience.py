"""Who can be reached later: followers (for announcements and Messenger's 24-hour window) and the LINE
groups the bot is in (for staff alerts)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.core.lazy import built_once
from bot.core.state import TurnWrite
from bot.storage import per_dialect, utcnow
from bot.storage.models import ChatGroup, Follower
from bot.storage.prepared import Prepared

# A user writes many messages in a row: their follower row is written at most this often per process (and
# whenever the hour noted for Messenger's window changes), not on every message.
TOUCH_EVERY = timedelta(minutes=5)
MEMO_SIZE = 10_000  # users remembered per process (~350 bytes each); beyond it the memo starts over


class TouchMemo:
    """When this process last recorded each user's message, and the hour it recorded."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[datetime, datetime]] = {}
        self._lock = threading.Lock()

    def fresh(self, key: tuple[str, str], hour: datetime, now: datetime) -> bool:
        seen = self._seen.get(key)
        return seen is not None and seen[1] == hour and timedelta(0) <= now - seen[0] < TOUCH_EVERY

    def remember(self, key: tuple[str, str], hour: datetime, now: datetime) -> None:
        with self._lock:
            if len(self._seen) >= MEMO_SIZE:
                self._seen.clear()
            self._seen[key] = (now, hour)

    def forget(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._seen.pop(key, None)


def _messaged(insert):
    table = Follower.__table__
    at = table.c.last_message_at.type
    stmt = insert(table).values(channel=bindparam("b_channel"), user_id=bindparam("b_user_id"), active=True,
                                followed_at=bindparam("b_now", type_=at), last_message_at=bindparam("b_hour", type_=at),
                                unfollowed_at=None)
    return stmt.on_conflict_do_update(index_elements=["channel", "user_id"],
                                      set_={"active": True, "last_message_at": stmt.excluded.last_message_at,
                                            "unfollowed_at": None})


MESSAGED = Prepared(per_dialect(_messaged))


def _memo(services) -> TouchMemo:
    return built_once(services, "follower_touches", TouchMemo)


def _upsert_follower(services, channel: str, user_id: str, **values) -> None:
    """Insert the follower with `values`, or update an existing row with them."""
    for attempt in (1, 2):  # a concurrent first insert of the same user makes the first try fail
        try:
            with services.db.session() as s:
                row = s.scalars(select(Follower).where(Follower.channel == channel,
                                                       Follower.user_id == user_id)).first()
                if row is None:
                    s.add(Follower(channel=channel, user_id=user_id, **values))
                else:
                    for key, value in values.items():
                        setattr(row, key, value)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def followed(services, channel: str, user_id: str, now: datetime | None = None) -> None:
    """Added as a friend (or unblocked): a new following period starts."""
    _memo(services).forget((channel, user_id))
    _upsert_follower(services, channel, user_id, active=True, followed_at=now or utcnow(), unfollowed_at=None)


def unfollowed(services, channel: str, user_id: str, now: datetime | None = None) -> None:
    _memo(services).forget((channel, user_id))
    _upsert_follower(services, channel, user_id, active=False, unfollowed_at=now or utcnow())


def coarse(moment: datetime) -> datetime:
    """The hour a message came in: precise enough for Messenger's 24-hour window (it only ever ends
    earlier), too coarse to match a user's message to the second an anonymous report was filed."""
    return moment.replace(minute=0, second=0, microsecond=0)


def touch(services, channel: str, user_id: str, now: datetime | None = None) -> TurnWrite | None:
    """A user wrote to the bot, so they can be reached (on Messenger, for 24 hours from the hour noted).

    Only a friend can write to a LINE account one-to-one, so the row is (re)activated too. The upsert is
    returned as a write for the message's own transaction (its turn's: a first message costs no commit of
    its own), or None when this process recorded the same hour for the user less than TOUCH_EVERY ago.
    """
    now = now or utcnow()
    hour, key, memo = coarse(now), (channel, user_id), _memo(services)
    if memo.fresh(key, hour, now):
        return None

    upsert = MESSAGED.bind(services.db.engine.dialect,  # the turn's write, built before its transaction
                           {"b_channel": channel, "b_user_id": user_id, "b_now": now, "b_hour": hour})

    def write(conn: Connection) -> None:
        upsert.execute(conn)
        memo.remember(key, hour, now)  # a turn rolled back after this leaves the row to the next touch

    return write


def messaged(services, channel: str, user_id: str, now: datetime | None = None) -> None:
    """`touch` in a transaction of its own, for a message handled without a turn. A redelivery or the
    user's next message redoes it, so it does not wait for the disk (Database.redoable_engine)."""
    write = touch(services, channel, user_id, now)
    if write is not None:
        with services.db.redoable_engine.begin() as c:
            write(c)


def joined_group(services, channel: str, group_id: str, kind: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    with services.db.session() as s:
        row = s.get(ChatGroup, (channel, group_id))
        if row is None:
            s.add(ChatGroup(channel=channel, group_id=group_id, kind=kind, active=True, joined_at=now))
        elif not row.active:
            row.active, row.joined_at, row.left_at, row.kind = True, now, None, kind


def left_group(services, channel: str, group_id: str, kind: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    with services.db.session() as s:
        row = s.get(ChatGroup, (channel, group_id))
        if row is None:
            s.add(ChatGroup(channel=channel, group_id=group_id, kind=kind, active=False, joined_at=now,
                            left_at=now))
        else:
            row.active, row.left_at = False, now

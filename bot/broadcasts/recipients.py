"""Who may receive an announcement, from the followers the channels record (follow/unfollow events and
each user's last message).

LINE: every friend through the broadcast endpoint, or the recorded active followers of a segment.
Messenger: only people inside the 24-hour standard messaging window, i.e. whose last message to the Page
is less than 24 hours old. News is promotional content, which message tags may not carry, so outside the
window the Page may not message them at all (see README.md).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import Follower

MESSENGER_WINDOW = timedelta(hours=24)
# Stop a little before the window closes: the message must reach Messenger while the window is open,
# and a batch takes time to send.
WINDOW_MARGIN = timedelta(minutes=5)
FETCH_ROWS = 1000  # follower rows fetched at a time when listing a segment


def window_start(now: datetime) -> datetime:
    """People whose last message is after this may be messaged at `now`."""
    return now - MESSENGER_WINDOW + WINDOW_MARGIN


def _active(channel: str, segment: str | None):
    query = select(Follower.user_id).where(Follower.channel == channel, Follower.active.is_(True))
    return query.where(Follower.segment == segment) if segment else query


def line_followers(session: Session, segment: str | None) -> list[str]:
    """Read with Core, 1,000 rows at a time from the client-side cursor (`Result.yield_per`; no server-side
    cursor): a segment can hold 100,000 ids, and ORM loading or `.all()` keeps that many row objects alive
    at once, which sets off the garbage collector's full passes (half the plan's time in bench_multicast),
    while one row at a time costs psycopg a Python call per row."""
    rows = session.connection().execute(_active("line", segment).order_by(Follower.id)).yield_per(FETCH_ROWS)
    return [user_id for user_id, in rows]


def line_follower_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Follower).where(
        Follower.channel == "line", Follower.active.is_(True))) or 0


def messenger_followers(session: Session, segment: str | None, now: datetime) -> list[str]:
    query = _active("facebook", segment).where(Follower.last_message_at > window_start(now))
    return list(session.scalars(query.order_by(Follower.id)))


def still_in_window(session: Session, user_ids: Iterable[str], now: datetime) -> set[str]:
    """Of `user_ids`, those Messenger still lets the Page message at `now` (a resumed send re-checks)."""
    ids = list(user_ids)
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        query = _active("facebook", None).where(Follower.user_id.in_(ids[i:i + 500]),
                                                Follower.last_message_at > window_start(now))
        found.update(session.scalars(query))
    return found

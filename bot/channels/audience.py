"""Who can be reached later: followers (for announcements and Messenger's 24-hour window) and the LINE
groups the bot is in (for staff alerts)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.storage import utcnow
from bot.storage.models import ChatGroup, Follower


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
    _upsert_follower(services, channel, user_id, active=True, followed_at=now or utcnow(), unfollowed_at=None)


def unfollowed(services, channel: str, user_id: str, now: datetime | None = None) -> None:
    _upsert_follower(services, channel, user_id, active=False, unfollowed_at=now or utcnow())


def coarse(moment: datetime) -> datetime:
    """The hour a message came in: precise enough for Messenger's 24-hour window (it only ever ends
    earlier), too coarse to match a user's message to the second an anonymous report was filed."""
    return moment.replace(minute=0, second=0, microsecond=0)


def messaged(services, channel: str, user_id: str, now: datetime | None = None) -> None:
    """A user wrote to the bot, so they can be reached (on Messenger, for 24 hours from the hour noted).

    Only a friend can write to a LINE account one-to-one, so the row is (re)activated too.
    """
    _upsert_follower(services, channel, user_id, active=True, last_message_at=coarse(now or utcnow()),
                     unfollowed_at=None)


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

"""The follower row on the hot path: written on a user's first message, not again for each message in a row,
and again when the hour noted for Messenger's 24-hour window changes or after a follow/unfollow."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import event, select

from bot.channels import audience
from bot.storage.models import Follower

T0 = datetime(2026, 12, 1, 3, 10, tzinfo=timezone.utc)


def test_messages_in_a_row_touch_the_follower_row_once_per_hour_noted(services):
    writes: list[str] = []
    listener = lambda _c, _cur, sql, *_: writes.append(sql) if "follower" in sql else None  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", listener)
    try:
        for minutes in (0, 1, 2, 4):
            audience.messaged(services, "facebook", "PSID-touch", T0 + timedelta(minutes=minutes))
        assert len(writes) == 1
        audience.messaged(services, "facebook", "PSID-touch", T0 + timedelta(minutes=55))  # the next hour
        assert len(writes) == 2
        audience.unfollowed(services, "facebook", "PSID-touch", T0 + timedelta(minutes=56))
        audience.messaged(services, "facebook", "PSID-touch", T0 + timedelta(minutes=57))
    finally:
        event.remove(services.db.engine, "before_cursor_execute", listener)
    with services.db.session() as s:
        row = s.scalars(select(Follower).where(Follower.user_id == "PSID-touch")).one()
    assert row.active and row.unfollowed_at is None
    assert row.last_message_at == T0.replace(hour=4, minute=0)

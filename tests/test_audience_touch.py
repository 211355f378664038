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
    for engine in services.db.engines:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        for minutes in (0, 1, 2, 4):
            audience.messaged(services, "facebook", "PSID-touch", T0 + timedelta(minutes=minutes))
        assert len(writes) == 1
        audience.messaged(services, "facebook", "PSID-touch", T0 + timedelta(minutes=55))  # the next hour
        assert len(writes) == 2
        audience.unfollowed(services, "facebook", "PSID-touch", T0 + timedelta(minutes=56))
        audience.messaged(services, "facebook", "PSID-touch", T0 + timedelta(minutes=57))
    finally:
        for engine in services.db.engines:
            event.remove(engine, "before_cursor_execute", listener)
    with services.db.session() as s:
        row = s.scalars(select(Follower).where(Follower.user_id == "PSID-touch")).one()
    assert row.active and row.unfollowed_at is None
    assert row.last_message_at == T0.replace(hour=4, minute=0)


def test_a_new_users_first_message_records_them_inside_the_turns_own_transaction(client, services, line_api):
    """The follower row goes in with the turn's state and stored answer, not in a transaction of its own
    (a first message would otherwise cost one more commit than the rest)."""
    from tests.test_channel_line import body, post_line, text_event

    seen: list[str] = []
    on_sql = lambda _c, _cur, sql, *_: seen.append(sql.split("(")[0].strip().lower())  # noqa: E731
    on_commit = lambda _conn: seen.append("commit")  # noqa: E731
    for engine in services.db.engines:
        event.listen(engine, "before_cursor_execute", on_sql)
        event.listen(engine, "commit", on_commit)
    try:
        user = {"type": "user", "userId": "U" + "f" * 32}
        assert post_line(client, body(text_event("เบอร์โทรสำนักงาน", source=user))).status_code == 200
    finally:
        for engine in services.db.engines:
            event.remove(engine, "before_cursor_execute", on_sql)
            event.remove(engine, "commit", on_commit)
    with services.db.session() as s:
        row = s.scalars(select(Follower).where(Follower.user_id == "U" + "f" * 32)).one()
    assert row.active and row.last_message_at is not None
    assert line_api.requests, "answered"
    save = max(i for i, sql in enumerate(seen) if sql.split(" ")[0] in ("insert", "update")
               and "conversation_state" in sql)  # the state saved at the turn's end (SQLite: upsert)
    turn = seen[save:seen.index("commit", save)]  # the rest of the turn's transaction, up to its commit
    assert "insert into follower" in turn
    assert seen.count("insert into follower") == 1

"""Fixtures for announcements: the broadcast services (no language model) on the test database, wired to
the fake LINE and Messenger servers, a fixed clock, recorded followers and a retry policy that does not
sleep."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from tests.conftest import BACKENDS

from bot.broadcasts.retry import RetryPolicy
from bot.storage.models import Follower

# Monday 3 June 2030, 09:00 in Bangkok
T0 = datetime(2030, 6, 3, 2, 0, tzinfo=timezone.utc)

# For the slow tests that start real processes: once, on PostgreSQL when it is available.
one_backend = pytest.mark.parametrize("database_url", [BACKENDS[-1]], indirect=True)
# For tests of logic that no database can change (retry rules, wording): SQLite only, to keep the suite fast;
# everything about claims, leases, times and recipients runs on both.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def bsvc(settings):
    from bot.broadcasts.context import broadcast_services

    svc = broadcast_services(settings)
    yield svc
    svc.db.dispose()


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def slept() -> Sleeps:
    return Sleeps()


@pytest.fixture
def policy(slept) -> RetryPolicy:
    return RetryPolicy(max_attempts=5, sleep=slept)


def add_followers(services, channel: str, count: int, *, segment: str | None = None, active: bool = True,
                  last_message_at: datetime | None = None, prefix: str = "U") -> list[str]:
    ids = [f"{prefix}{segment or 'all'}{i:06d}" for i in range(count)]
    with services.db.session() as s:
        s.execute(insert(Follower), [dict(channel=channel, user_id=u, active=active, segment=segment,
                                          followed_at=T0 - timedelta(days=30), last_message_at=last_message_at)
                                     for u in ids])
    return ids

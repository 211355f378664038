"""A send that takes longer than its lease (LINE asking it to wait, batch after batch): each batch is
stamped with the time it actually went, and the sender keeps extending its lease as it goes, so a second
scheduler never takes a live send over, whether it is a fresh one or one resumed after a crash."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.broadcasts import service
from bot.broadcasts.claim import LEASE, claim, new_owner
from bot.broadcasts.context import broadcast_services
from bot.broadcasts.retry import RetryPolicy
from bot.broadcasts.runner import run_due, run_record
from bot.broadcasts.validate import Draft
from tests.fakes.platform import Response

from .conftest import T0, add_followers

MULTICAST = r"/v2/bot/message/multicast$"
WAIT = 300  # seconds LINE asks for (Retry-After) before each batch can go


class TestClock:
    """Test time: stands still until a wait moves it on."""

    __test__ = False

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.mark.parametrize("resumed", [False, True], ids=["fresh", "resumed"])
def test_a_send_longer_than_its_lease_keeps_it_and_stamps_each_batch(settings, bsvc, line_api, resumed):
    add_followers(bsvc, "line", 1500, segment="schools")  # three multicasts of 500
    b = service.create(bsvc, Draft(text="ประชุมผู้บริหารสถานศึกษา", run_at=T0, channels=["line"], segment="schools"),
                       now=T0 - timedelta(days=1))
    start = T0
    if resumed:  # a scheduler claimed it and died before sending anything; the lease has run out since
        claim(bsvc, b.id, b.revision, T0, T0, new_owner())
        start = T0 + LEASE + timedelta(seconds=1)
    clock = TestClock(start)
    busy = Response(429, {"message": "Too many requests"}, headers={"Retry-After": str(WAIT)})
    line_api.script("POST", MULTICAST, *[busy, Response(200, {})] * 3)

    other = broadcast_services(settings)  # a second scheduler, looking for stalled sends at every wait
    taken_over = []

    def wait(seconds: float) -> None:
        clock.advance(seconds)
        taken_over.extend(run_due(other, clock=clock, policy=RetryPolicy(sleep=lambda s: None)))

    try:
        [outcome] = run_due(bsvc, clock=clock, policy=RetryPolicy(max_attempts=5, sleep=wait))
    finally:
        other.db.dispose()

    assert clock() - start > LEASE  # longer than the lease it started with
    assert taken_over == []
    assert outcome.status == "sent"
    run, batches = run_record(bsvc, outcome.run_id)
    assert [batch.sent_at for batch in batches] == [start + timedelta(seconds=WAIT * n) for n in (1, 2, 3)]
    assert run.finished_at == start + timedelta(seconds=WAIT * 3)
    calls = line_api.calls("POST", MULTICAST)
    assert len(calls) == 6 and len({c.headers["x-line-retry-key"] for c in calls}) == 3  # none sent twice
    assert service.get(bsvc, b.id).status == "sent"

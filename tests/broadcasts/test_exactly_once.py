"""Exactly once: two schedulers at the same time, and a process that dies after claiming, never make an
announcement go twice (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from bot.broadcasts import service
from bot.broadcasts.claim import LEASE, claim, new_owner
from bot.broadcasts.context import broadcast_services
from bot.broadcasts.deliver import Delivery
from bot.broadcasts.leader import Leader
from bot.broadcasts.models import BroadcastBatch, BroadcastRun
from bot.broadcasts.runner import run_due, send_now
from bot.broadcasts.senders import sender
from bot.broadcasts.validate import Draft
from tests.fakes.platform import Response

from .conftest import T0, add_followers

BROADCAST, MULTICAST = r"/v2/bot/message/broadcast$", r"/v2/bot/message/multicast$"


def together(n: int, work):
    """Run `work(i)` in n threads released at the same instant; their results."""
    barrier, results, errors = threading.Barrier(n), [None] * n, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


def test_two_schedulers_at_once_send_once(settings, bsvc, line_api, policy):
    add_followers(bsvc, "line", 700, segment="schools")
    plain = [service.create(bsvc, Draft(text=f"ประกาศ {i}", run_at=T0, channels=["line"]), now=T0 - timedelta(days=1))
             for i in range(3)]
    segmented = service.create(bsvc, Draft(text="ถึงโรงเรียน", run_at=T0, channels=["line"], segment="schools"),
                               now=T0 - timedelta(days=1))
    weekly = service.create(bsvc, Draft(text="ทุกวันจันทร์", cron="0 9 * * 1", channels=["line"]),
                            now=T0 - timedelta(days=1))
    # two scheduler processes: separate engines and connection pools on the same database
    schedulers = [broadcast_services(settings) for _ in range(2)]
    try:
        outcomes = together(2, lambda i: run_due(schedulers[i], T0 + timedelta(seconds=i), policy=policy))
    finally:
        for s in schedulers:
            s.db.dispose()
    sent = sorted(o.broadcast_id for found in outcomes for o in found)
    assert sent == sorted([b.id for b in plain] + [segmented.id, weekly.id])
    assert len(line_api.calls("POST", BROADCAST)) == 4
    assert [len(c.json["to"]) for c in line_api.calls("POST", MULTICAST)] == [500, 200]
    with bsvc.db.session() as s:
        assert s.scalar(select(BroadcastRun.id).where(BroadcastRun.broadcast_id == weekly.id)) is not None
        assert len(list(s.scalars(select(BroadcastRun)))) == 5


def test_only_one_of_many_concurrent_claims_wins(settings, bsvc):
    b = service.create(bsvc, Draft(text="ครั้งเดียว", cron="0 9 * * *", channels=["line"]), now=T0 - timedelta(days=1))
    claimants = [broadcast_services(settings) for _ in range(4)]
    try:
        won = together(4, lambda i: claim(claimants[i], b.id, b.revision, T0, T0, new_owner()))
    finally:
        for c in claimants:
            c.db.dispose()
    assert len([w for w in won if w is not None]) == 1


def test_crash_after_claiming_then_restart_sends_once_with_the_same_key(bsvc, line_api, policy):
    b = service.create(bsvc, Draft(text="ไม่ส่งซ้ำ", run_at=T0, channels=["line"]), now=T0 - timedelta(days=1))
    run_id = claim(bsvc, b.id, b.revision, T0, T0, new_owner())
    assert run_id is not None  # ... and the process dies here, before sending anything
    [batch] = list_batches(bsvc)
    # restarted while the dead process's lease still holds: nothing is sent twice, nothing is lost
    assert run_due(bsvc, T0 + timedelta(minutes=1), policy=policy) == []
    assert not line_api.calls("POST", BROADCAST)
    assert service.get(bsvc, b.id).status == "sending"
    # once the lease has run out, the occurrence is resumed with the batch's own retry key
    [outcome] = run_due(bsvc, T0 + LEASE + timedelta(seconds=1), policy=policy)
    assert outcome.status == "sent" and outcome.run_id == run_id
    [call] = line_api.calls("POST", BROADCAST)
    assert call.headers["x-line-retry-key"] == batch.retry_key
    assert run_due(bsvc, T0 + LEASE + timedelta(minutes=5), policy=policy) == []
    assert service.get(bsvc, b.id).status == "sent"


def test_crash_after_line_accepted_is_deduplicated_by_the_retry_key(bsvc, line_api, policy):
    add_followers(bsvc, "line", 3, segment="board")
    b = service.create(bsvc, Draft(text="คณะกรรมการ", run_at=T0, channels=["line"], segment="board"),
                       now=T0 - timedelta(days=1))
    run_id = claim(bsvc, b.id, b.revision, T0, T0, new_owner())
    [batch] = list_batches(bsvc)
    with bsvc.db.session() as s:
        payload = s.get(BroadcastRun, run_id).payload
    # the request reaches LINE, then the process dies before recording it
    sender(bsvc, "line").send_announcement(batch.kind, batch.recipients, payload["line"], batch.retry_key)
    # LINE (as documented) answers a repeated retry key with 409
    line_api.script("POST", MULTICAST, Response(409, {"message": "The retry key is already accepted"}))
    [outcome] = run_due(bsvc, T0 + LEASE + timedelta(seconds=1), policy=policy)
    assert outcome.status == "sent"
    first, second = line_api.calls("POST", MULTICAST)
    assert first.headers["x-line-retry-key"] == second.headers["x-line-retry-key"] == batch.retry_key
    assert "409" in list_batches(bsvc)[0].error


def test_a_sender_that_lost_its_lease_stops(bsvc, line_api, policy):
    b = service.create(bsvc, Draft(text="ช้า", run_at=T0, channels=["line"]), now=T0 - timedelta(days=1))
    slow_owner = new_owner()
    run_id = claim(bsvc, b.id, b.revision, T0, T0, slow_owner)
    later = T0 + LEASE + timedelta(seconds=1)
    assert send_now(bsvc, b.id, later, policy=policy).status == "sent"  # staff finish it after the lease ran out
    # the original sender wakes up: its lease is gone, so it sends nothing
    assert Delivery(bsvc, run_id, slow_owner, lambda: later, policy).run() is None
    assert len(line_api.calls("POST", BROADCAST)) == 1


def test_only_one_scheduler_process_is_active(bsvc):
    first, second = Leader(bsvc.db, ttl=timedelta(seconds=60)), Leader(bsvc.db, ttl=timedelta(seconds=60))
    assert first.acquire(T0) and not second.acquire(T0 + timedelta(seconds=30))
    assert first.renew(T0 + timedelta(seconds=20))
    assert not second.acquire(T0 + timedelta(seconds=70))  # renewed until 80 s
    assert second.acquire(T0 + timedelta(seconds=81))  # the first stopped renewing
    assert not first.renew(T0 + timedelta(seconds=82))
    second.release(T0 + timedelta(seconds=90))
    assert first.acquire(T0 + timedelta(seconds=91))


def list_batches(bsvc):
    with bsvc.db.session() as s:
        return list(s.scalars(select(BroadcastBatch).order_by(BroadcastBatch.id)))

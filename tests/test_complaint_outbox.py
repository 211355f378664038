"""The outbox: an outage of LINE or the mail server delays alerts, never loses them; each is sent once."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import select

from bot.outbox import rows as outbox_rows
from bot.outbox.worker import Worker, deliver_due
from bot.outbox.models import OutboxMessage
from bot.outbox.rows import pack
from bot.core.messages import Text
from bot.storage import utcnow
from tests.complaint_helpers import (STAFF_GROUP, Person, code_in, pushes_to,  # noqa: F401
                                     settings, smtp, wait_idle)
from tests.fakes.platform import SENT, Response


def rows(services) -> list[OutboxMessage]:
    with services.db.session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_backoff_doubles_up_to_an_hour():
    assert [outbox_rows.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert outbox_rows.backoff(30) == timedelta(hours=1)


def test_alert_refused_with_500_is_retried_later_and_arrives(bot, services, line_api, smtp):
    line_api.fail("POST", r"/v2/bot/message/push$", status=500, times=1)
    code = code_in(Person(bot, "U-outage").files_anonymous_corruption(image=False))
    wait_idle(services)  # the attempt right after the commit met the outage
    [line_row] = [r for r in rows(services) if r.channel == "line"]
    assert (line_row.status, line_row.attempts) == ("pending", 1) and "500" in line_row.last_error
    assert len(pushes_to(line_api, STAFF_GROUP)) == 1  # the refused one

    clock = {"now": utcnow()}
    worker = Worker(services, clock=lambda: clock["now"])
    assert worker.run(once=True).tried == 0  # not due yet: backing off
    clock["now"] += timedelta(minutes=1)
    assert worker.run(once=True).sent == 1
    tries = [r for r in line_api.calls("POST", r"/push$") if r.json["to"] == STAFF_GROUP]
    assert code in tries[-1].json["messages"][0]["text"]
    assert len(tries) == 2 and len({r.headers["x-line-retry-key"] for r in tries}) == 1  # one retry key
    assert {r.status for r in rows(services)} == {"sent"}
    assert worker.run(once=True).tried == 0  # delivered once, never again


def test_mail_server_outage_loses_nothing(bot, services, smtp):
    smtp.fail(times=2)
    Person(bot, "U-mail").files_anonymous_corruption(image=False)
    wait_idle(services)
    [mail_row] = [r for r in rows(services) if r.channel == "email"]
    assert mail_row.status == "pending" and "421" in mail_row.last_error
    later = utcnow()
    for minutes in (1, 3):
        deliver_due(services, later + timedelta(minutes=minutes))
    assert len(smtp.wait_for(1)) == 1 and rows(services)[-1].status == "sent"


def test_a_permanent_refusal_is_kept_as_failed_and_can_be_queued_again(services, line_api):
    with services.db.session() as s:
        outbox_rows.enqueue(s, "line", "C-wrong-group", pack([Text("ทดสอบ")]), purpose="staff_alert")
    line_api.fail("POST", r"/push$", status=400)
    result = deliver_due(services)
    assert result.failed == 1 and rows(services)[0].status == "failed"
    assert outbox_rows.retry_failed(services) == 1
    assert deliver_due(services).sent == 1


def test_concurrent_senders_deliver_each_message_once(services, line_api):
    with services.db.session() as s:
        for n in range(20):
            outbox_rows.enqueue(s, "line", f"C-group-{n}", pack([Text(f"ข้อความ {n}")]), purpose="staff_alert")
    line_api.script("POST", r"/push$", *[Response(200, SENT, delay=0.01) for _ in range(20)])
    start = threading.Barrier(4)

    def sender():
        start.wait()
        deliver_due(services)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    targets = [r.json["to"] for r in line_api.calls("POST", r"/push$")]
    assert sorted(targets) == sorted(f"C-group-{n}" for n in range(20))
    assert {r.status for r in rows(services)} == {"sent"}


def test_the_worker_loop_stops_when_asked(services):
    worker = Worker(services, interval=0.01)
    threading.Timer(0.1, worker.stop.set).start()
    began = time.monotonic()
    worker.run()
    assert time.monotonic() - began < 5


def test_lease_and_backoff_are_reckoned_from_each_claim_not_from_the_pass(services, line_api):
    """A slow send (LINE took 50 s) must not make the next try due at once: the failure's backoff starts
    when the failure happened, and the next row's lease when it was claimed."""
    start = utcnow()
    with services.db.session() as s:
        for n in range(2):
            outbox_rows.enqueue(s, "line", f"Cslow{n}", pack([Text("แจ้งเตือน")]), purpose="alert", now=start)
    line_api.outage("POST", r"/push$", 500)
    clock = {"now": start}

    def slow_clock():
        clock["now"] += timedelta(seconds=25)  # every look at the clock is after a slow step
        return clock["now"]

    deliver_due(services, clock=slow_clock)
    first, second = rows(services)
    assert first.attempts == second.attempts == 1
    assert first.next_attempt_at > start + timedelta(seconds=50) + outbox_rows.backoff(1)  # not start + 10 s
    assert second.next_attempt_at > first.next_attempt_at
    assert deliver_due(services, start + timedelta(seconds=60)).tried == 0  # still backing off

"""A webhook is acknowledged first and answered after (bot/outbox/pool.py, answers.Owed.deliver): its turn is
committed with the answer owed in the outbox, the 200 goes back at once, and the sending pool gives the
answer to LINE and marks it sent in the same thread. A hanging LINE holds no web worker and costs no
answer; a delivered answer is never sent again."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels import answers, registry
from bot.core.messages import Text
from bot.outbox import pool
from bot.outbox.models import OutboxMessage
from bot.outbox.worker import deliver_due
from bot.storage import utcnow
from tests.test_channel_fixtures import line_signature
from tests.fakes.platform import Response
from tests.test_faults_platform import MESSAGES, line_body

USER = "Uhung000000000000000000000000001"


@pytest.fixture
def settings(settings):
    return settings.replace(platform_connect_timeout=1.0, platform_read_timeout=2.0)


def post(app, raw: bytes):
    """A plain test client: it returns when the webhook does, not when the answer has gone."""
    return app.test_client().post("/webhooks/line", data=raw, content_type="application/json",
                                  headers={"X-Line-Signature": line_signature(raw)})


def answers_of(services) -> list[OutboxMessage]:
    with services.db.session() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "answer")))


def texts_to(fake, to: str) -> list[str]:
    return [json.dumps(r.json["messages"], ensure_ascii=False) for r in fake.calls("POST", MESSAGES)
            if r.json.get("to", to) == to]


def test_the_webhook_returns_while_line_still_holds_the_reply_and_the_answer_follows(app, services, line_api,
                                                                                     content):
    line_api.outage("POST", MESSAGES, hang=True)
    resp = post(app, line_body("เบอร์โทรสำนักงาน", USER))
    assert resp.status_code == 200
    [row] = answers_of(services)
    assert row.status == "pending"  # owed, committed with the turn before the 200
    line_api.wait_for("POST", MESSAGES)  # the pool's reply reached LINE, which has not answered it
    assert line_api._outages, "LINE was still hanging when the webhook returned"

    line_api.recover()  # the hung reply is dropped: the pool leaves the answer to the outbox, which pushes it
    assert services.sending_pool.wait_idle(10)
    services.kicker.idle.wait(10)
    deliver_due(services, utcnow() + timedelta(minutes=5))
    [row] = answers_of(services)
    assert row.status == "sent"
    pushes = [r for r in line_api.calls("POST", r"/push$") if r.json["to"] == USER]
    assert len(pushes) == 1 and content.office.phone in json.dumps(pushes[0].json, ensure_ascii=False)


def test_a_delivered_answer_is_marked_sent_where_it_was_sent_and_never_sent_again(app, services, line_api,
                                                                                content):
    assert post(app, line_body("เบอร์โทรสำนักงาน", USER)).status_code == 200
    assert pool.of(services).wait_idle(10)
    [row] = answers_of(services)
    assert row.status == "sent" and row.sent_at is not None  # no mark left waiting in memory
    [reply] = line_api.calls("POST", r"/reply$")
    assert content.office.phone in json.dumps(reply.json, ensure_ascii=False)
    # long after its lease, the outbox finds nothing owed
    assert deliver_due(services, utcnow() + timedelta(hours=1)).tried == 0
    assert len(line_api.calls("POST", MESSAGES)) == 1


def test_an_answer_that_waited_too_long_in_the_pool_is_left_to_the_outbox_and_pushed_once(services, line_api):
    channel = registry.get(services, "line")
    owed = answers.Owed(services, "line", "ev-waited", USER, channel.render, "reply-token-1")
    owed.store_alone([Text("สวัสดีค่ะ")])
    owed.send(channel, waited=answers.send_within(services.settings) + 1)
    assert line_api.calls("POST", r"/reply$") == []  # its reply token is not tried this late
    if services.kicker is not None:
        services.kicker.idle.wait(10)
    deliver_due(services, utcnow() + timedelta(seconds=1))
    pushes = line_api.calls("POST", r"/push$")
    assert len(pushes) == 1 and pushes[0].headers["x-line-retry-key"] == owed.retry_key
    [row] = answers_of(services)
    assert row.status == "sent"


def stored_by_a_process_that_died(services, token: str) -> answers.Owed:
    """An answer stored with its turn by a web worker killed before its pool sent it (or while it did)."""
    owed = answers.Owed(services, "line", "ev-killed", USER, registry.get(services, "line").render, token)
    owed.store_alone([Text("เบอร์โทรศัพท์สำนักงาน 0 5661 5530 ค่ะ")])
    return owed


def test_a_dead_process_s_answer_is_given_by_its_reply_token_once_its_lease_ends(services, line_api):
    stored_by_a_process_that_died(services, "token-never-used")
    assert deliver_due(services, utcnow()).tried == 0  # leased to the process that stored it
    assert deliver_due(services, utcnow() + answers.ANSWER_GRACE + timedelta(seconds=1)).sent == 1
    [reply] = line_api.calls("POST", r"/reply$")
    assert reply.json["replyToken"] == "token-never-used"
    assert line_api.calls("POST", r"/push$") == []  # free, and once
    assert [r.status for r in answers_of(services)] == ["sent"]


def test_a_reply_token_the_dead_process_spent_means_line_has_the_answer(services, line_api):
    stored_by_a_process_that_died(services, "token-spent-by-the-dead")
    line_api.script("POST", r"/reply$", Response(400, {"message": "Invalid reply token"}))
    assert deliver_due(services, utcnow() + answers.ANSWER_GRACE + timedelta(seconds=1)).sent == 1
    assert len(line_api.calls("POST", r"/reply$")) == 1
    assert line_api.calls("POST", r"/push$") == []  # not given a second time
    assert [r.status for r in answers_of(services)] == ["sent"]


def test_an_answer_owed_past_its_token_s_life_is_pushed(services, line_api):
    owed = stored_by_a_process_that_died(services, "token-long-expired")
    with services.db.session() as s:  # stored a while ago: its lease and its token's life are over
        s.get(OutboxMessage, owed.row_id).created_at = utcnow() - answers.REPLY_TOKEN_TRUSTED - timedelta(seconds=1)
    deliver_due(services, utcnow() + answers.ANSWER_GRACE + timedelta(seconds=1))
    assert line_api.calls("POST", r"/reply$") == []
    [push] = line_api.calls("POST", r"/push$")
    assert push.headers["x-line-retry-key"] == owed.retry_key

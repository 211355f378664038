"""Issue 12's platform rows, against the app with the fake LINE and Messenger servers: an outage (500, or
429 with Retry-After), a hung platform, and a web worker dying while it answers "ยืนยันส่งเรื่อง". In each,
every answer and every tracking code reaches the user once the fake recovers, and nothing is sent twice."""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.channels import line_events
from bot.complaints import service
from bot.outbox.worker import deliver_due
from bot.complaints.models import Complaint
from bot.outbox.models import OutboxMessage
from bot.storage import utcnow
from bot.storage.models import ProcessedEvent
from scoring import year_result
from scoring.summary import fmt
from tests.complaint_helpers import STAFF_GROUP, STAFF_MAIL, CODE, LineUser, pushes_to, smtp, wait_idle  # noqa: F401
from tests.conftest import LINE_SECRET
from tests.test_channel_fixtures import facebook_signature, line_signature

MESSAGES = r"^/v2/bot/message/(reply|push)$"
FILE_STEPS = ("แจ้งทุจริต", "ผู้อำนวยการโรงเรียนเรียกรับเงินค่าแป๊ะเจี๊ยะ 20,000 บาท", "เสร็จแล้ว", "ข้าม",
              "ไม่ระบุตัวตน")


@pytest.fixture
def settings(settings, smtp):
    """Staff alerts to a LINE group and a mailbox, which are the integrity unit's targets too (corruption
    reports never go to general staff); short platform timeouts, so a hung fake costs a second here (3 s and
    10 s by default)."""
    return settings.replace(staff_line_targets=(STAFF_GROUP,), smtp_url=smtp.url, alert_emails=(STAFF_MAIL,),
                            integrity_line_targets=(STAFF_GROUP,), integrity_alert_emails=(STAFF_MAIL,),
                            platform_connect_timeout=1.0, platform_read_timeout=1.0)


def accepted_texts(fake, to: str) -> list[str]:
    """Texts of the messages that reached `to` (the fake is cleared at recovery: everything since is 200)."""
    texts = []
    for rec in fake.calls("POST", MESSAGES):
        body = rec.json
        if body.get("to", to) == to:
            texts += [m.get("text") or m.get("altText") or "" for m in body["messages"]]
    return texts


def later(minutes: int = 30):
    return utcnow() + timedelta(minutes=minutes)


@pytest.mark.parametrize("fault", ["500", "429"])
def test_line_outage_loses_no_answer_and_no_tracking_code(client, services, line_api, fault, content):
    reporters = [LineUser(client, line_api, f"Ureporter{n:024d}", LINE_SECRET) for n in range(3)]
    asker = LineUser(client, line_api, "Uasker00000000000000000000000001", LINE_SECRET)
    for r in reporters:
        for text in FILE_STEPS:
            r.says(text)
    line_api.clear()
    if fault == "500":
        line_api.outage("POST", MESSAGES, 500)
    else:
        line_api.outage("POST", MESSAGES, 429, retry_after=30)
    for r in reporters:
        r.post({"id": uuid.uuid4().hex[:12], "type": "text", "text": "ยืนยันส่งเรื่อง", "quoteToken": "q"})
    asked = ["เบอร์โทรสำนักงาน", "ITA ปี 2564 ได้กี่คะแนน", "สวัสดี"]
    for text in asked:
        asker.says(text)
    wait_idle(services)  # the app's own push attempts fail too, and back off
    assert line_api.calls("POST", MESSAGES), "the fake was asked and refused"
    with services.db.session() as s:
        owed = list(s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "answer",
                                                          OutboxMessage.status == "pending")))
        codes = list(s.scalars(select(Complaint.code)))
    assert len(owed) == len(reporters) + len(asked) and len(codes) == 3
    if fault == "429":  # Retry-After honoured: no try before the 30 s LINE asked for
        assert all(r.next_attempt_at >= r.created_at + timedelta(seconds=29) for r in owed)

    line_api.recover()
    line_api.clear()
    deliver_due(services, later())
    deliver_due(services, later(120))  # a second pass finds nothing left to send
    for r in reporters:
        got = "\n".join(accepted_texts(line_api, r.user_id))
        (code,) = set(CODE.findall(got))
        assert got.count(code) == 1  # the code once: the receipt was carried by the answer, not sent again
    got = accepted_texts(line_api, asker.user_id)
    assert len(got) >= len(asked) and any(fmt(year_result(content.ita, 2564).total) in t for t in got)
    assert len(got) == len(set(got))  # nothing twice
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.status != "sent")) == 0
    alerts = pushes_to(line_api, STAFF_GROUP)
    assert Counter(c for a in alerts for c in set(CODE.findall(json.dumps(a, ensure_ascii=False)))) == \
        Counter(codes)  # each staff alert once, whether it went before or after the outage


def line_body(text: str, user: str = "Uhung000000000000000000000000001") -> bytes:
    event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
             "webhookEventId": uuid.uuid4().hex, "deliveryContext": {"isRedelivery": False},
             "replyToken": uuid.uuid4().hex, "source": {"type": "user", "userId": user},
             "message": {"id": "1", "type": "text", "text": text, "quoteToken": "q"}}
    return json.dumps({"destination": "Ubot", "events": [event]}).encode()


def test_a_hung_line_costs_a_webhook_at_most_the_timeout_and_healthz_answers(app, services, line_api, content):
    line_api.outage("POST", MESSAGES, hang=True)
    raw = line_body("เบอร์โทรสำนักงาน")
    result: dict = {}

    def webhook():
        result["status"] = app.test_client().post("/webhooks/line", data=raw, content_type="application/json",
                                                  headers={"X-Line-Signature": line_signature(raw)}).status_code

    worker = threading.Thread(target=webhook)
    worker.start()
    line_api.wait_for("POST", MESSAGES)  # LINE has the reply and says nothing
    assert app.test_client().get("/healthz").status_code == 200
    worker.join(10)  # the webhook does not wait on LINE: the sending pool holds the hung reply
    assert not worker.is_alive() and result["status"] == 200
    assert services.sending_pool.wait_idle(10)  # the pool's reply gives up after the 1 s read timeout
    wait_idle(services)  # the app's background push hangs too, and also gives up after the timeout
    assert line_api._outages, "the fake was still hanging when the webhook returned"
    line_api.recover()
    line_api.clear()
    deliver_due(services, later())
    (push,) = line_api.calls("POST", MESSAGES)
    assert push.path.endswith("/push") and content.office.phone in json.dumps(push.json, ensure_ascii=False)


def test_a_hung_messenger_is_cut_by_the_timeout_and_the_answer_follows(app, services, facebook_api):
    facebook_api.outage("POST", r"/me/messages$", hang=True)
    item = {"sender": {"id": "PSIDHUNG"}, "recipient": {"id": "PAGE1"}, "timestamp": int(time.time() * 1000),
            "message": {"mid": f"m_{uuid.uuid4().hex}", "text": "สวัสดี"}}
    raw = json.dumps({"object": "page", "entry": [{"id": "PAGE1", "time": 1, "messaging": [item]}]}).encode()
    resp = app.test_client().post("/webhooks/facebook", data=raw, content_type="application/json",
                                  headers={"X-Hub-Signature-256": facebook_signature(raw)})
    assert resp.status_code == 200
    wait_idle(services)
    facebook_api.recover()
    facebook_api.clear()
    deliver_due(services, later())
    sent = facebook_api.calls("POST", r"/me/messages$")
    assert sent and all(r.json["recipient"]["id"] == "PSIDHUNG" for r in sent)


class Killed(BaseException):
    """The web worker dies here (gunicorn's SIGKILL): nothing after this point runs."""


def confirm_event(user: LineUser, event_id: str, redelivery: bool = False) -> bytes:
    event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
             "webhookEventId": event_id, "deliveryContext": {"isRedelivery": redelivery},
             "replyToken": uuid.uuid4().hex, "source": {"type": "user", "userId": user.user_id},
             "message": {"id": "2", "type": "text", "text": "ยืนยันส่งเรื่อง", "quoteToken": "q"}}
    return json.dumps({"destination": "Ubot", "events": [event]}).encode()


def post_raw(client, raw: bytes):
    return client.post("/webhooks/line", data=raw, content_type="application/json",
                       headers={"X-Line-Signature": line_signature(raw)})


def ready_to_confirm(client, line_api) -> LineUser:
    reporter = LineUser(client, line_api, "Ukilled000000000000000000000001", LINE_SECRET)
    for text in FILE_STEPS:
        reporter.says(text)
    line_api.clear()
    return reporter


def staff_alerts(line_api) -> int:
    return len(pushes_to(line_api, STAFF_GROUP))


@pytest.mark.parametrize("dies", ["after the turn was saved", "while filing"])
def test_a_worker_killed_while_confirming_the_redelivery_gets_the_code(client, services, line_api, monkeypatch,
                                                                       dies):
    reporter = ready_to_confirm(client, line_api)
    event_id = uuid.uuid4().hex
    if dies == "after the turn was saved":  # complaint and answer committed, nothing sent
        target, name = line_events.LineEvents, "deliver"
    else:  # complaint committed, the turn (and its answer) not
        target, name = service, "receipt_id"
    original = getattr(target, name)

    def die(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(target, name, die)
    with pytest.raises(Killed):
        post_raw(client, confirm_event(reporter, event_id))
    monkeypatch.setattr(target, name, original)
    wait_idle(services)
    assert not accepted_texts(line_api, reporter.user_id)  # the reporter has heard nothing yet
    if dies == "while filing":  # LINE redelivers some time later; the dead worker's claim has gone stale
        with services.db.session() as s:
            s.execute(update(ProcessedEvent).values(received_at=utcnow() - timedelta(minutes=1)))

    assert post_raw(client, confirm_event(reporter, event_id, redelivery=True)).status_code == 200
    wait_idle(services)
    deliver_due(services, later())  # whatever is still owed, the worker sends
    got = "\n".join(accepted_texts(line_api, reporter.user_id))
    with services.db.session() as s:
        (code,) = s.scalars(select(Complaint.code)).all()  # filed once
    assert got.count(code) == 1
    assert staff_alerts(line_api) == 1  # no second side effect

"""The whole complaint flow through the real channel adapters: signed LINE webhooks, Messenger webhooks and
the web chat API, against the fake platforms. (Skipped while a channel's route is not in the app.)"""
from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.complaints import service
from bot.outbox.worker import Worker, deliver_due
from bot.complaints.models import Complaint, Evidence
from bot.storage import utcnow
from bot.storage.models import ChatGroup
from tests.complaint_helpers import (CODE, STAFF_GROUP, LineUser, code_in, has_route,  # noqa: F401
                                     push_texts, pushes_to, settings, smtp, wait_idle, without_web_floodgate)
from tests.conftest import FACEBOOK_SECRET, LINE_SECRET
from tests.fakes.platform import Response, tiny_jpeg
from tests.test_channel_fixtures import facebook_signature

REPORTER = "U4af4980629f2f3c5d1e2a7b8c9d0e1f2"
STEPS = ("แจ้งทุจริต", "ผู้อำนวยการโรงเรียนเรียกรับเงินค่าแป๊ะเจี๊ยะ 20,000 บาท", "เสร็จแล้ว")
AFTER_EVIDENCE = ("เสร็จแล้ว", "ไม่ระบุตัวตน", "ยืนยันส่งเรื่อง")


def needs(app, path: str) -> None:
    if not has_route(app, path):
        pytest.skip(f"{path} is not served yet (channel adapters land with the channels branch)")


def file_over_line(client, line_api) -> tuple[LineUser, str]:
    reporter = LineUser(client, line_api, REPORTER, LINE_SECRET)
    for text in STEPS:
        reporter.says(text)
    assert "1/5" in reporter.sends_image("325708")
    for text in AFTER_EVIDENCE:
        answer = reporter.says(text)
    return reporter, code_in(answer)


def test_anonymous_corruption_report_over_line_end_to_end(app, client, services, line_api):
    needs(app, "/webhooks/line")
    staff = LineUser(client, line_api, "Ustaffmember", LINE_SECRET)
    staff.post(None, source={"type": "group", "groupId": STAFF_GROUP, "userId": "Ustaffmember"}, kind="join")
    with services.db.session() as s:
        assert s.get(ChatGroup, ("line", STAFF_GROUP)) is not None  # `staff groups` lists it

    reporter, code = file_over_line(client, line_api)
    assert line_api.calls("GET", r"^/v2/bot/message/325708/content$")
    with services.db.session() as s:
        complaint = s.scalar(select(Complaint).where(Complaint.code == code))
        [ev] = s.scalars(select(Evidence)).all()
    assert complaint.anonymous and complaint.category == "corruption" and ev.complaint_id == complaint.id

    line_api.wait_for("POST", r"/v2/bot/message/push$")
    alert = push_texts(line_api, STAFF_GROUP)
    assert code in alert and REPORTER not in alert and f"/console/complaints/{code}" in alert
    assert "แป๊ะเจี๊ยะ" not in alert  # a LINE group gets code, category, time and link only

    wait_idle(services)
    service.set_status(services, code, "in_progress", "กำลังตรวจสอบข้อเท็จจริง")
    deliver_due(services)
    notice = push_texts(line_api, REPORTER)
    assert code in notice and "อยู่ระหว่างดำเนินการ" in notice and "กำลังตรวจสอบข้อเท็จจริง" in notice

    tracked = reporter.says(code)
    assert code in tracked and "อยู่ระหว่างดำเนินการ" in tracked
    stranger = LineUser(client, line_api, "Ustranger", LINE_SECRET)  # whoever holds the code: its status only
    elsewhere = stranger.says(code)
    assert "อยู่ระหว่างดำเนินการ" in elsewhere and "ทุจริต" not in elsewhere and "แป๊ะเจี๊ยะ" not in elsewhere


def test_over_line_an_alert_refused_with_500_arrives_later(app, client, services, line_api):
    needs(app, "/webhooks/line")
    line_api.fail("POST", r"/v2/bot/message/push$", status=500, times=1)
    _, code = file_over_line(client, line_api)
    wait_idle(services)
    assert len(pushes_to(line_api, STAFF_GROUP)) == 1  # refused
    later = utcnow() + timedelta(minutes=1)
    assert Worker(services, clock=lambda: later).run(once=True).sent == 1
    assert len(pushes_to(line_api, STAFF_GROUP)) == 2 and code in push_texts(line_api, STAFF_GROUP)


def post_facebook(client, psid: str, message: dict) -> None:
    body = json.dumps({"object": "page", "entry": [{"id": "PAGE1", "time": int(time.time() * 1000), "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "PAGE1"}, "timestamp": int(time.time() * 1000),
         "message": {"mid": f"m_{time.monotonic_ns()}", **message}}]}]}).encode()
    resp = client.post("/webhooks/facebook", data=body, content_type="application/json",
                       headers={"X-Hub-Signature-256": facebook_signature(body, FACEBOOK_SECRET)})
    assert resp.status_code == 200, resp.data


def test_the_same_flow_over_messenger(app, client, services, facebook_api, line_api):
    needs(app, "/webhooks/facebook")
    facebook_api.script("GET", r"^/cdn/slip.jpg$", Response(200, tiny_jpeg(), "image/jpeg"))
    psid = "6243871234567890"
    for text in STEPS:
        post_facebook(client, psid, {"text": text})
    post_facebook(client, psid, {"attachments": [{"type": "image",
                                                  "payload": {"url": f"{facebook_api.url}/cdn/slip.jpg"}}]})
    for text in AFTER_EVIDENCE:
        post_facebook(client, psid, {"text": text})
    sent = " ".join(r.json["message"].get("text", "") for r in facebook_api.calls("POST", r"/me/messages$")
                    if r.json["recipient"]["id"] == psid)
    code = CODE.findall(sent)[-1]
    with services.db.session() as s:
        complaint = service.load(s, code)
        assert complaint.channel == "facebook" and len(complaint.evidence) == 1
    line_api.wait_for("POST", r"/push$")
    assert code in push_texts(line_api, STAFF_GROUP) and psid not in push_texts(line_api, STAFF_GROUP)


def test_the_same_flow_over_the_web_chat(app, client, services, line_api):
    needs(app, "/api/chat")
    without_web_floodgate(services)
    answer = {}
    for text in ("อยากร้องเรียน", "การให้บริการ", "โทรติดต่อไม่ได้ทั้งวัน", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน",
                 "ยืนยันส่งเรื่อง"):
        resp = client.post("/api/chat", json={"text": text})
        assert resp.status_code == 200
        answer = resp.get_json()
    code = code_in(" ".join(r["text"] for r in answer["replies"]))
    assert re.match(r"SV-", code)
    resp = client.post("/api/chat", json={"text": code})
    assert "รับเรื่องแล้ว" in " ".join(r["text"] for r in resp.get_json()["replies"])

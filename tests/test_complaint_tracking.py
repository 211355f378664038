"""Tracking by code, and status changes reaching the reporter on the channel they used."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.web_models import WebInboxMessage
from bot.complaints import service
from bot.outbox import worker as outbox_worker
from bot.outbox.worker import deliver_due
from tests.complaint_helpers import (Person, code_in, push_texts,  # noqa: F401
                                     said, settings, smtp, wait_idle, without_web_floodgate)


def file_one(bot, user_id: str, channel: str = "line") -> tuple[Person, str]:
    p = Person(bot, user_id, channel=channel)
    return p, code_in(p.files_anonymous_corruption(image=False))


def test_tracking_by_code_shows_status_and_history_to_the_reporter(bot, services):
    reporter, code = file_one(bot, "U-track-owner")
    card = said(reporter.says(code))
    assert code in card and "รับเรื่องแล้ว" in card and "ทุจริต/ประพฤติมิชอบ" in card and "วันที่แจ้ง" in card
    assert "ประเมินความพึงพอใจ" in card  # feedback offered after the answer
    assert "จะรับเรื่องภายใน" not in card and "แจ้งผลภายใน 30 วันทำการ" in card  # received: only what is ahead
    asked = reporter.says("ติดตามเรื่อง")
    assert "รหัสติดตามเรื่อง" in said(asked)
    assert code in said(reporter.says(code.lower().replace("-", " - ")))

    stranger = Person(bot, "U-stranger")
    unknown = said(stranger.says("CR-2345-6789-ABCD-EFGH"))
    assert "ไม่พบเรื่องตามรหัสนี้" in unknown


def test_a_status_change_with_a_note_reaches_the_reporter_and_shows_in_tracking(bot, services, line_api):
    reporter, code = file_one(bot, "U-status-line")
    wait_idle(services)
    service.set_status(services, code, "in_progress", "ส่งเรื่องให้คณะกรรมการตรวจสอบข้อเท็จจริงแล้ว")
    outbox_worker.kick(services)
    line_api.wait_for("POST", r"/v2/bot/message/push$", count=2)  # the staff alert, then the notice
    wait_idle(services)
    notice = push_texts(line_api, reporter.user_id)
    assert code in notice and "อยู่ระหว่างดำเนินการ" in notice and "คณะกรรมการตรวจสอบข้อเท็จจริง" in notice

    service.set_status(services, code, "resolved", "ลงโทษทางวินัยผู้เกี่ยวข้องแล้ว")
    deliver_due(services)
    pushed = [b for b in line_api.calls("POST", r"/push$") if b.json["to"] == reporter.user_id][-1].json
    labels = [i["action"]["label"] for m in pushed["messages"] for i in (m.get("quickReply") or {}).get("items", [])]
    assert "5 มากที่สุด" in labels and "ยังไม่ได้รับการแก้ไข" in labels  # the reporter rates the handling

    card = said(reporter.says(code))
    assert "ดำเนินการแล้วเสร็จ" in card and "ลงโทษทางวินัยผู้เกี่ยวข้องแล้ว" in card
    with services.db.session() as s:
        c = service.load(s, code)
        assert c.closed_at is not None and [e.status for e in c.events] == ["received", "in_progress", "resolved"]


def test_a_web_reporter_finds_the_notice_in_the_web_inbox(bot, services):
    without_web_floodgate(services)
    reporter, code = file_one(bot, "web-session-abc", channel="web")
    service.set_status(services, code, "rejected", "ไม่อยู่ในอำนาจหน้าที่ของสำนักงาน")
    deliver_due(services)
    with services.db.session() as s:
        texts = [m.payload["text"] for m in s.scalars(select(WebInboxMessage).where(
            WebInboxMessage.user_id == "web-session-abc"))]
    assert any(code in t and "ยุติเรื่อง" in t and "ไม่อยู่ในอำนาจหน้าที่" in t for t in texts)


def test_a_messenger_reporter_is_notified_through_the_send_api(bot, services, facebook_api):
    reporter, code = file_one(bot, "psid-777", channel="facebook")
    service.set_status(services, code, "in_progress")
    deliver_due(services)
    sent = [r.json for r in facebook_api.calls("POST", r"/me/messages$") if r.json["recipient"]["id"] == "psid-777"]
    assert any(code in p["message"]["text"] for p in sent)


def test_unknown_status_and_unknown_code_are_refused(services):
    with pytest.raises(ValueError):
        service.set_status(services, "CR-2222-3333", "done")
    with pytest.raises(service.NotFound):
        service.set_status(services, "CR-2222-3333", "resolved")

"""Announcements go out at their time, once, through the fake LINE and Messenger servers, with a clock the
tests set (`run_due(services, now)`), never by waiting."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.broadcasts import service
from bot.broadcasts.errors import BroadcastStateError
from bot.broadcasts.models import Broadcast, BroadcastBatch, BroadcastRun
from bot.broadcasts.runner import run_due, send_now
from bot.broadcasts.validate import Draft
from tests.fakes.platform import Response

from .conftest import T0, add_followers, sqlite_only

BROADCAST, MULTICAST, MESSENGER = r"/v2/bot/message/broadcast$", r"/v2/bot/message/multicast$", r"/me/messages$"


def one_off(bsvc, at=T0, **kw):
    kw.setdefault("channels", ["line"])
    return service.create(bsvc, Draft(text=kw.pop("text", "ประกาศทดสอบ"), run_at=at, **kw), now=at - timedelta(days=1))


def runs(bsvc, broadcast_id):
    with bsvc.db.session() as s:
        return list(s.scalars(select(BroadcastRun).where(BroadcastRun.broadcast_id == broadcast_id)
                              .order_by(BroadcastRun.run_at)))


def batches(bsvc):
    with bsvc.db.session() as s:
        return list(s.scalars(select(BroadcastBatch).order_by(BroadcastBatch.id)))


def test_one_off_is_sent_once_at_its_time(bsvc, line_api, policy):
    b = one_off(bsvc, title="ข่าวประชาสัมพันธ์")
    assert run_due(bsvc, T0 - timedelta(seconds=1), policy=policy) == []
    [outcome] = run_due(bsvc, T0, policy=policy)
    assert outcome.status == "sent" and outcome.run_at == T0
    assert run_due(bsvc, T0 + timedelta(minutes=1), policy=policy) == []
    [call] = line_api.calls("POST", BROADCAST)
    assert call.json["messages"][0]["type"] == "flex"
    assert call.json["messages"][0]["contents"]["body"]["contents"][1]["text"] == "ข่าวประชาสัมพันธ์"
    assert call.headers["authorization"] == "Bearer test-line-access-token"
    [batch] = batches(bsvc)
    assert call.headers["x-line-retry-key"] == batch.retry_key
    assert (batch.kind, batch.status, batch.attempts) == ("broadcast", "sent", 1)
    assert service.get(bsvc, b.id).status == "sent"


def test_late_within_grace_is_sent_late_older_is_missed(bsvc, line_api, policy):
    grace = timedelta(seconds=bsvc.settings.broadcast_misfire_grace_seconds)
    late = one_off(bsvc)
    lost = one_off(bsvc, at=T0 + timedelta(hours=1))
    outcomes = run_due(bsvc, T0 + grace - timedelta(seconds=1), policy=policy)
    assert [(o.broadcast_id, o.status) for o in outcomes] == [(late.id, "sent")]
    outcomes = run_due(bsvc, T0 + timedelta(hours=1) + grace + timedelta(seconds=1), policy=policy)
    assert [(o.broadcast_id, o.status) for o in outcomes] == [(lost.id, "missed")]
    assert service.get(bsvc, lost.id).status == "missed"
    assert len(line_api.calls("POST", BROADCAST)) == 1
    [run] = runs(bsvc, lost.id)
    assert run.status == "missed" and "เลยเวลา" in run.error
    with pytest.raises(BroadcastStateError, match="กรุณาระบุเวลาใหม่"):
        service.edit(bsvc, lost.id, {"text": "แก้ข้อความ"}, now=T0 + timedelta(hours=2))
    # a missed announcement can still be sent on purpose
    assert send_now(bsvc, lost.id, T0 + timedelta(hours=2), policy=policy).status == "sent"
    assert len(line_api.calls("POST", BROADCAST)) == 2


def test_recurring_is_sent_each_period_and_missed_periods_coalesce(bsvc, line_api, policy):
    b = service.create(bsvc, Draft(text="อย่าลืมประชุมประจำวัน", cron="0 9 * * *", channels=["line"]),
                       now=T0 - timedelta(hours=1))
    day = timedelta(days=1)
    assert run_due(bsvc, T0 - timedelta(minutes=1), policy=policy) == []
    assert [o.status for o in run_due(bsvc, T0, policy=policy)] == ["sent"]
    assert run_due(bsvc, T0 + timedelta(minutes=5), policy=policy) == []
    assert [o.status for o in run_due(bsvc, T0 + day + timedelta(seconds=30), policy=policy)] == ["sent"]
    # down for three days: one late send for the latest period, not three
    outcomes = run_due(bsvc, T0 + 4 * day + timedelta(minutes=10), policy=policy)
    assert [(o.status, o.run_at) for o in outcomes] == [("sent", T0 + 4 * day)]
    # a period older than the grace time is recorded as missed, and the next one is sent
    assert [o.status for o in run_due(bsvc, T0 + 5 * day + timedelta(hours=2), policy=policy)] == ["missed"]
    assert [o.status for o in run_due(bsvc, T0 + 6 * day, policy=policy)] == ["sent"]
    assert len(line_api.calls("POST", BROADCAST)) == 4
    assert [(r.run_at - T0, r.status) for r in runs(bsvc, b.id)] == [
        (timedelta(0), "sent"), (day, "sent"), (4 * day, "sent"), (5 * day, "missed"), (6 * day, "sent")]
    listed = {r["id"]: r for r in service.list_broadcasts(bsvc, now=T0 + 6 * day + timedelta(hours=1))}[b.id]
    assert listed["status"] == "scheduled" and listed["next_run"] == "2030-06-10T09:00:00+07:00"


@sqlite_only
def test_cancelled_or_edited_before_its_time(bsvc, line_api, policy):
    cancelled = one_off(bsvc)
    moved = one_off(bsvc, text="ข้อความเดิม")
    service.cancel(bsvc, cancelled.id, now=T0 - timedelta(minutes=5))
    service.edit(bsvc, moved.id, {"run_at": T0 + timedelta(hours=1), "text": "ข้อความใหม่"},
                 now=T0 - timedelta(minutes=5))
    assert run_due(bsvc, T0 + timedelta(minutes=1), policy=policy) == []
    assert [o.broadcast_id for o in run_due(bsvc, T0 + timedelta(hours=1), policy=policy)] == [moved.id]
    [call] = line_api.calls("POST", BROADCAST)
    assert call.json["messages"][0]["contents"]["body"]["contents"][-1]["text"] == "ข้อความใหม่"
    assert service.get(bsvc, cancelled.id).status == "cancelled"


def test_500_then_200_delivers_once_with_the_same_retry_key(bsvc, line_api, policy, slept):
    one_off(bsvc)
    line_api.fail("POST", BROADCAST, 500)
    [outcome] = run_due(bsvc, T0, policy=policy)
    assert outcome.status == "sent"
    first, second = line_api.calls("POST", BROADCAST)
    assert first.headers["x-line-retry-key"] == second.headers["x-line-retry-key"]
    [batch] = batches(bsvc)
    assert batch.retry_key == first.headers["x-line-retry-key"] and batch.attempts == 2
    assert slept == [1.0]


@sqlite_only
def test_429_honours_retry_after_and_409_means_already_accepted(bsvc, line_api, policy, slept):
    one_off(bsvc)
    line_api.script("POST", BROADCAST, Response(429, {"message": "Too Many Requests"}, headers={"Retry-After": "7"}),
                    Response(409, {"message": "The retry key is already accepted"}))
    assert run_due(bsvc, T0, policy=policy)[0].status == "sent"
    assert slept == [7.0]
    [batch] = batches(bsvc)
    assert batch.status == "sent" and "409" in batch.error


@sqlite_only
def test_failures_are_bounded_recorded_and_retried_on_request(bsvc, line_api, policy, slept):
    b = one_off(bsvc)
    line_api.fail("POST", BROADCAST, 503, times=5)
    assert run_due(bsvc, T0, policy=policy)[0].status == "failed"
    assert slept == [1.0, 2.0, 4.0, 8.0]
    [batch] = batches(bsvc)
    assert (batch.status, batch.attempts) == ("failed", 5) and "503" in batch.error
    assert service.get(bsvc, b.id).status == "failed"
    # staff resend: the same batch, the same retry key
    assert send_now(bsvc, b.id, T0 + timedelta(minutes=30), policy=policy).status == "sent"
    keys = {c.headers["x-line-retry-key"] for c in line_api.calls("POST", BROADCAST)}
    assert keys == {batch.retry_key} and len(line_api.calls("POST", BROADCAST)) == 6
    assert service.get(bsvc, b.id).status == "sent"


@sqlite_only
def test_a_bad_request_is_not_retried(bsvc, line_api, policy):
    one_off(bsvc)
    line_api.script("POST", BROADCAST, Response(400, {"message": "The request body has 1 error(s)"}))
    assert run_due(bsvc, T0, policy=policy)[0].status == "failed"
    assert len(line_api.calls("POST", BROADCAST)) == 1


def test_a_segment_of_1200_goes_as_three_multicasts(bsvc, line_api, policy):
    teachers = add_followers(bsvc, "line", 1200, segment="teachers")
    add_followers(bsvc, "line", 30, segment="parents")
    add_followers(bsvc, "line", 5, segment="teachers", active=False, prefix="gone")
    one_off(bsvc, segment="teachers")
    assert run_due(bsvc, T0, policy=policy)[0].status == "sent"
    calls = line_api.calls("POST", MULTICAST)
    assert [len(c.json["to"]) for c in calls] == [500, 500, 200]
    assert [u for c in calls for u in c.json["to"]] == teachers
    assert len({c.headers["x-line-retry-key"] for c in calls}) == 3
    assert not line_api.calls("POST", BROADCAST)
    assert [(b.batch_no, b.recipient_count, b.status) for b in batches(bsvc)] == [
        (1, 500, "sent"), (2, 500, "sent"), (3, 200, "sent")]


def test_messenger_only_to_followers_inside_the_24_hour_window(bsvc, facebook_api, policy):
    inside = add_followers(bsvc, "facebook", 2, last_message_at=T0 - timedelta(hours=1), prefix="in")
    edge = add_followers(bsvc, "facebook", 1, last_message_at=T0 - timedelta(hours=23, minutes=50), prefix="edge")
    add_followers(bsvc, "facebook", 2, last_message_at=T0 - timedelta(hours=24, minutes=1), prefix="out")
    add_followers(bsvc, "facebook", 1, last_message_at=None, prefix="never")
    add_followers(bsvc, "facebook", 1, last_message_at=T0 - timedelta(hours=1), active=False, prefix="left")
    one_off(bsvc, channels=["facebook"], title="แจ้งข่าว", text="สั้น ๆ")
    assert run_due(bsvc, T0, policy=policy)[0].status == "sent"
    calls = facebook_api.calls("POST", MESSENGER)
    assert sorted(c.json["recipient"]["id"] for c in calls) == sorted(inside + edge)
    assert all(c.json["messaging_type"] == "UPDATE" and "tag" not in c.json for c in calls)
    assert calls[0].json["message"]["attachment"]["payload"]["template_type"] == "generic"
    [batch] = batches(bsvc)
    assert (batch.kind, batch.recipient_count, batch.sent_count, batch.failed_count) == ("messenger", 3, 3, 0)


@sqlite_only
def test_messenger_refusal_of_one_person_does_not_stop_the_others(bsvc, facebook_api, policy):
    people = add_followers(bsvc, "facebook", 3, last_message_at=T0 - timedelta(hours=2))
    facebook_api.script("POST", MESSENGER, Response(400, {"error": {"message": "outside of allowed window",
                                                                    "code": 10, "error_subcode": 2018278}}))
    one_off(bsvc, channels=["facebook"], text="ข่าว")
    assert run_due(bsvc, T0, policy=policy)[0].status == "sent"
    [batch] = batches(bsvc)
    assert (batch.sent_count, batch.failed_count) == (2, 1) and people[0] in batch.error
    assert len(facebook_api.calls("POST", MESSENGER)) == 3


@sqlite_only
def test_sent_announcements_become_news(bsvc, policy):
    one_off(bsvc, title="รับสมัครครูผู้ช่วย", text="รายละเอียดการรับสมัคร", link_url="https://www.sesaop.go.th/1",
            topics=["รับสมัคร", "ครู"], at=T0 + timedelta(hours=16))  # 01:00 the next day in Bangkok
    one_off(bsvc, title="ยังไม่ถึงเวลา", at=T0 + timedelta(days=3))
    assert service.published_announcements(bsvc) == []
    run_due(bsvc, T0 + timedelta(hours=16), policy=policy)
    [news] = service.published_announcements(bsvc)
    assert news.date.isoformat() == "2030-06-04"
    assert (news.title, news.body, news.topics, news.url, news.image_url) == (
        "รับสมัครครูผู้ช่วย", "รายละเอียดการรับสมัคร", ["รับสมัคร", "ครู"], "https://www.sesaop.go.th/1", "")


def test_news_lists_the_newest_sent_announcements_first_up_to_its_limit(services):
    """On both databases (the list is one prepared statement whose LIMIT is a parameter)."""
    with services.db.session() as s:
        for day, title in ((3, "สาม"), (1, "หนึ่ง"), (2, "สอง")):
            s.add(Broadcast(title=title, text=f"ข่าว{title}", topics=["ข่าว"], sent_at=T0 + timedelta(days=day)))
        s.add(Broadcast(title="ยังไม่ส่ง", text="รอส่ง", run_at=T0))
    assert [n.title for n in service.published_announcements(services, limit=2)] == ["สาม", "สอง"]
    everything = service.published_announcements(services, limit=None)
    assert [n.title for n in everything] == ["สาม", "สอง", "หนึ่ง"]
    assert (everything[0].body, everything[0].topics, everything[0].url) == ("ข่าวสาม", ["ข่าว"], "")


@sqlite_only
def test_edit_and_cancel_are_refused_once_sent(bsvc, policy):
    b = one_off(bsvc)
    run_due(bsvc, T0, policy=policy)
    with pytest.raises(BroadcastStateError, match="ส่งไปแล้ว"):
        service.cancel(bsvc, b.id)
    with pytest.raises(BroadcastStateError, match="ส่งไปแล้ว"):
        service.edit(bsvc, b.id, {"text": "แก้"})
    with pytest.raises(BroadcastStateError, match="ส่งไปแล้ว"):
        send_now(bsvc, b.id, T0 + timedelta(minutes=1), policy=policy)


@sqlite_only
def test_the_bot_answers_latest_news_with_a_sent_announcement(bot, services, policy):
    from bot.core.messages import Incoming, visible_text

    service.create(services, Draft(text="เปิดรับสมัครครูผู้ช่วย ถึง 30 มิ.ย.", title="รับสมัครครูผู้ช่วย", run_at=T0,
                                   channels=["line"], topics=["รับสมัคร"]), now=T0 - timedelta(days=1))
    run_due(services, T0, policy=policy)
    turn = bot.respond(Incoming("web", "news-reader", "ข่าวล่าสุด"))
    assert "รับสมัครครูผู้ช่วย" in "\n".join(p for r in turn.replies for p in visible_text(r))

"""Times, recurrences and checks staff get from the command line, and the cards followers receive."""
from __future__ import annotations

from datetime import timedelta

import pytest
from linebot.v3.messaging import BroadcastRequest

from bot.broadcasts.errors import InvalidAnnouncement
from bot.broadcasts.render import Sender, facebook_messages, line_messages
from bot.broadcasts.schedule import latest_fire_time, parse_at, parse_cron
from bot.broadcasts.validate import Draft, check, parse_channels
from bot.thaitime import BANGKOK

from .conftest import T0

OFFICE = Sender("ประกาศจาก สพม.พิจิตร", "อ่านรายละเอียด")


def test_at_is_bangkok_time_and_must_be_in_the_future():
    assert parse_at("2030-06-03T09:00", T0 - timedelta(hours=1)) == T0
    assert parse_at("2030-06-03T09:00:30", T0 - timedelta(hours=1)) == T0 + timedelta(seconds=30)
    with pytest.raises(InvalidAnnouncement, match="ผ่านไปแล้ว"):
        parse_at("2030-06-03T09:00", T0)
    with pytest.raises(InvalidAnnouncement, match="ไม่ถูกรูปแบบ"):
        parse_at("3/6/2030 9:00", T0)


def test_cron_weekdays_follow_crontab_not_apscheduler3():
    # APScheduler 3 counts 0 as Monday; staff's "1" must still mean Monday and "0"/"7" Sunday.
    monday_nine = parse_cron("0 9 * * 1", T0).trigger().get_next_fire_time(None, T0 - timedelta(minutes=1))
    assert monday_nine.astimezone(BANGKOK).strftime("%A %H:%M") == "Monday 09:00"
    sunday = parse_cron("30 8 * * 0", T0).trigger().get_next_fire_time(None, T0)
    assert sunday.astimezone(BANGKOK).strftime("%A %H:%M") == "Sunday 08:30"
    weekdays = parse_cron("0 7 * * 1-5", T0).trigger()
    t, days = T0, []
    for _ in range(7):
        t = weekdays.get_next_fire_time(None, t + timedelta(seconds=1))
        days.append(t.astimezone(BANGKOK).strftime("%a"))
    assert days == ["Tue", "Wed", "Thu", "Fri", "Mon", "Tue", "Wed"]
    also_sunday = parse_cron("0 9 * * 7", T0).trigger().get_next_fire_time(None, T0)
    assert also_sunday.astimezone(BANGKOK).strftime("%A %H:%M") == "Sunday 09:00"


@pytest.mark.parametrize("expr, message", [
    ("0 9 * *", "5 ช่อง"),
    ("0 25 * * *", "ไม่ถูกต้อง"),
    ("*/5 * * * *", "ถี่เกินไป"),
    ("0 9 31 2 *", "ไม่ตรงกับวันใดเลย"),
    ("0 9 1 * 1", "อย่างใดอย่างหนึ่ง"),
    ("0 9 * * 8", "ไม่ถูกต้อง"),
])
def test_bad_recurrences_are_explained(expr, message):
    with pytest.raises(InvalidAnnouncement, match=message):
        parse_cron(expr, T0)


def test_missed_periods_coalesce_into_the_latest():
    latest = latest_fire_time("0 9 * * *", T0 - timedelta(days=5), T0 + timedelta(days=2, hours=1))
    assert latest == T0 + timedelta(days=2)
    assert latest_fire_time("0 9 * * *", T0, T0 + timedelta(hours=23)) is None


def test_channels_and_content_checks():
    assert parse_channels("line, Messenger") == ["line", "facebook"]
    with pytest.raises(InvalidAnnouncement, match="ไม่รู้จักช่องทาง sms"):
        parse_channels("line,sms")
    draft = lambda **kw: Draft(**{"text": "ข่าว", "run_at": T0, **kw})  # noqa: E731
    check(draft(), OFFICE)
    for kwargs, message in [({"text": "   "}, "ข้อความว่าง"), ({"text": "ก" * 5001}, "5,000"),
                            ({"image_url": "http://x.th/a.jpg"}, "https://"), ({"link_url": "ftp://x"}, "http://"),
                            ({"run_at": None}, "--at"), ({"cron": "0 9 * * 1"}, "อย่างใดอย่างหนึ่ง"),
                            ({"title": "ห" * 101}, "100"), ({"channels": []}, "อย่างน้อยหนึ่ง")]:
        with pytest.raises(InvalidAnnouncement, match=message):
            check(draft(**kwargs), OFFICE)


def test_line_flex_card_with_alt_text_is_a_valid_sdk_message():
    a = Draft(text="ขอเชิญร่วมกิจกรรมจิตอาสา วันที่ 5 ธันวาคม", title="กิจกรรมจิตอาสา",
              image_url="https://www.sesaop.go.th/news.jpg", link_url="https://www.sesaop.go.th/news/1")
    [message] = line_messages(a, OFFICE)
    assert message["type"] == "flex"
    assert message["altText"] == "กิจกรรมจิตอาสา\nขอเชิญร่วมกิจกรรมจิตอาสา วันที่ 5 ธันวาคม"
    bubble = message["contents"]
    assert bubble["hero"]["url"] == a.image_url
    texts = [c["text"] for c in bubble["body"]["contents"]]
    assert texts == ["ประกาศจาก สพม.พิจิตร", "กิจกรรมจิตอาสา", a.text]
    assert bubble["footer"]["contents"][0]["action"] == {"type": "uri", "label": "อ่านรายละเอียด", "uri": a.link_url}
    sdk = BroadcastRequest.from_dict({"messages": [message]})
    assert sdk.to_dict()["messages"][0]["altText"] == message["altText"]
    long = line_messages(Draft(text="ข" * 3000), OFFICE)[0]
    assert len(long["altText"]) == 400 and long["altText"].endswith("…")


def test_messenger_generic_template_then_full_text_when_long():
    short = facebook_messages(Draft(text="ประชุมพรุ่งนี้ 9 โมง", title="แจ้งประชุม"), OFFICE)
    assert len(short) == 1
    element = short[0]["attachment"]["payload"]["elements"][0]
    assert element == {"title": "แจ้งประชุม", "subtitle": "ประชุมพรุ่งนี้ 9 โมง"}
    text = "รายละเอียด " * 300
    long = facebook_messages(Draft(text=text, link_url="https://www.sesaop.go.th"), OFFICE)
    element = long[0]["attachment"]["payload"]["elements"][0]
    assert element["title"] == "ประกาศจาก สพม.พิจิตร" and element["buttons"][0]["title"] == "อ่านรายละเอียด"
    assert "".join(m["text"] for m in long[1:]) == text.strip()
    assert all(len(m["text"]) <= 2000 for m in long[1:])


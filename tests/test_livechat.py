"""Live chat: "ขอคุยกับเจ้าหน้าที่" hands the conversation to a person; the bot stays silent while they
hold it; the staff answer reaches the citizen on LINE (push) and Messenger (HUMAN_AGENT tag); "จบการสนทนา"
or a timeout gives it back to the bot; exchanges are counted for the Q&A statistics."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from tests.complaint_helpers import Person, push_texts, said, settings, smtp  # noqa: F401
from tests.console_helpers import console, console_app, post, signed_in  # noqa: F401
from tests.test_complaint_cli import cli  # noqa: F401

TUESDAY_10AM = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # 10:00 Thailand time, a working day
SUNDAY = datetime(2026, 12, 6, 3, 0, tzinfo=timezone.utc)


def test_a_person_answers_on_line_and_the_bot_stays_silent_until_the_end(console_app, bot, line_api, cli, content):
    citizen = Person(bot, "U-live-1", "line", now=TUESDAY_10AM)
    assert "ส่งต่อให้เจ้าหน้าที่แล้ว" in said(citizen.says("ขอคุยกับเจ้าหน้าที่"))
    assert citizen.says("ขอสอบถามเรื่องการย้ายครู").replies == []  # the bot stays silent
    assert citizen.says("เบอร์โทรสำนักงาน").replies == []

    staff = signed_in(console_app, "staff")
    listing = staff.get("/console/live-chat/").get_data(as_text=True)
    assert "ขอสอบถามเรื่องการย้ายครู" in listing and "รอเจ้าหน้าที่" in listing
    chat_url = re.search(r"/console/live-chat/\d+", listing).group(0)
    post(staff, chat_url + "/take")
    r = post(staff, chat_url + "/reply", {"text": "ยื่นคำร้องขอย้ายได้ที่กลุ่มบริหารงานบุคคล"}, follow_redirects=True)
    assert "ส่งคำตอบแล้ว" in r.get_data(as_text=True)
    assert "เจ้าหน้าที่: ยื่นคำร้องขอย้ายได้ที่กลุ่มบริหารงานบุคคล" in push_texts(line_api, "U-live-1")
    assert staff.get(chat_url).status_code == 200 and signed_in(console_app, "integrity").get(chat_url).status_code == 403

    assert "จบการสนทนากับเจ้าหน้าที่แล้ว" in said(citizen.says("จบการสนทนา"))
    assert content.office.phone in said(citizen.says("เบอร์โทรสำนักงาน"))  # the bot answers again

    pack = json.loads(cli("evidence", "--fiscal-year", "2570", "--json")[1])["qa"]
    assert pack["live_chats"] == 1 and pack["citizen_messages"] == 2 and pack["answered"] == 1
    assert pack["bot_answers"] >= 1


def test_messenger_answers_carry_the_human_agent_tag(console_app, bot, facebook_api):
    citizen = Person(bot, "PSID-live-2", "facebook", now=datetime.now(timezone.utc))
    citizen.says("talk to a person")
    citizen.says("hello, is anyone there?")
    staff = signed_in(console_app, "admin")
    chat_url = re.search(r"/console/live-chat/\d+", staff.get("/console/live-chat/").get_data(as_text=True)).group(0)
    post(staff, chat_url + "/take")
    post(staff, chat_url + "/reply", {"text": "สวัสดี ยินดีให้บริการ"})
    sent = [r.json for r in facebook_api.calls("POST", r"/messages$") if r.json["recipient"]["id"] == "PSID-live-2"]
    assert sent and sent[-1]["tag"] == "HUMAN_AGENT" and sent[-1]["messaging_type"] == "MESSAGE_TAG"
    assert "สวัสดี ยินดีให้บริการ" in sent[-1]["message"]["text"]


def test_out_of_hours_says_when_and_a_timeout_gives_the_chat_back(bot, content):
    citizen = Person(bot, "U-live-3", "line", now=SUNDAY)
    answer = said(citizen.says("คุยกับคน"))
    assert "นอกเวลาทำการ" in answer and "8 ธันวาคม 2569" in answer  # Monday 7 is a holiday in content
    assert citizen.says("ฝากถามเรื่องวุฒิบัตร").replies == []
    citizen.now = SUNDAY + timedelta(minutes=31)
    assert content.office.phone in said(citizen.says("เบอร์โทรสำนักงาน"))


def test_bot_answers_are_counted_with_the_turn_in_one_row_per_day(bot, services):
    from sqlalchemy import select

    from bot.core.messages import Incoming
    from bot.livechat.models import BotAnswerCount

    for text in ("เบอร์โทรสำนักงาน", "ITA ปี 2564 ได้กี่คะแนน", "asdfgh qwerty"):  # the last is not answered
        bot.respond(Incoming("line", "U-counted", text=text))
    with services.db.session() as s:
        rows = list(s.scalars(select(BotAnswerCount).where(BotAnswerCount.channel == "line")))
    assert len(rows) == 1 and rows[0].count == 2


def test_the_live_chat_table_is_not_asked_on_a_conversations_messages(bot, services):
    """A first message has no chat (only the user's own turn opens one), and the flag in the conversation
    state spares the open-chat query after it; a handed-over chat is still held."""
    from sqlalchemy import event

    from bot.core.messages import Incoming

    statements: list[str] = []
    listener = lambda _c, _cur, sql, *_: statements.append(sql)  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", listener)
    try:
        for text in ("เบอร์โทรสำนักงาน", "ITA ปี 2564 ได้กี่คะแนน", "สวัสดี"):
            bot.respond(Incoming("line", "U-flag", text=text), now=TUESDAY_10AM)
        asked = sum("FROM live_chat" in s for s in statements)
        bot.respond(Incoming("line", "U-flag", text="ขอคุยกับเจ้าหน้าที่"), now=TUESDAY_10AM)
        held = bot.respond(Incoming("line", "U-flag", text="ขอสอบถามเรื่องการย้ายครู"), now=TUESDAY_10AM)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", listener)
    assert asked == 0 and held.replies == []

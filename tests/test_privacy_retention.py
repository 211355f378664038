"""What a web visitor typed (a name, a phone number, a report's details, its tracking code) is kept on the
server only as long as their conversation lives: the clock's daily housekeeping deletes a web-chat history
idle longer than the conversation state's time-to-live (STATE_TTL_MINUTES), not after 30 days."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.channels import web_history
from bot.channels.web_models import WebChatEntry
from bot.retention_jobs import housekeeping
from bot.storage import utcnow

SAID = "ชื่อสมชาย ใจดี โทร 081-234-5678 ครูเรียกเงินค่าย้ายโรงเรียน"
ANSWER = [{"type": "text", "text": "รับเรื่องแล้ว รหัสติดตาม CR-7K3M-Q9TD-HX4B-2NWE"}]


def visitors_with_history(services) -> set[str]:
    with services.db.session() as s:
        return set(s.scalars(select(WebChatEntry.user_id).distinct()))


def test_the_daily_housekeeping_deletes_web_chat_history_idle_longer_than_the_state_ttl(services):
    services.settings = services.settings.replace(state_ttl_minutes=45)
    now = utcnow()
    web_history.record(services, "web-gone-quiet", SAID, ANSWER, now - timedelta(minutes=50))
    web_history.record(services, "web-still-here", SAID, ANSWER, now - timedelta(minutes=40))
    web_history.record(services, "web-older-one", SAID, ANSWER, now - timedelta(days=3))

    housekeeping(services)  # the clock process's daily job

    assert visitors_with_history(services) == {"web-still-here"}
    assert [e["text"] for e in web_history.entries(services, "web-still-here")] == [SAID, ANSWER[0]["text"]]

"""Helpers shared by the complaint tests: talking to the bot as one person, reading what it said."""
from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from bot.core.messages import Incoming, Location, Media, visible_text
from tests.fakes.smtp import FakeSMTP
from tests.test_channel_fixtures import line_signature


def said(turn_or_replies) -> str:
    replies = getattr(turn_or_replies, "replies", turn_or_replies)
    return "\n".join(part for r in replies for part in visible_text(r))


def buttons(turn) -> list[str]:
    return [q.text for r in turn.replies for q in r.quick_replies]


@dataclass
class Person:
    """Someone chatting with the bot on one channel."""

    bot: object
    user_id: str
    channel: str = "line"
    now: datetime | None = None
    turns: list = field(default_factory=list)

    def says(self, text: str):
        return self._send(Incoming(self.channel, self.user_id, text))

    def sends_image(self, ref: str = "img-1", size: int | None = None, kind: str = "image", mime: str = ""):
        return self._send(Incoming(self.channel, self.user_id, media=Media(kind, ref, size=size, mime=mime)))

    def sends_location(self, lat: float = 16.44, lon: float = 100.35, title: str = "หน้าสำนักงาน"):
        return self._send(Incoming(self.channel, self.user_id, location=Location(lat, lon, title)))

    def _send(self, message: Incoming):
        turn = self.bot.respond(message, self.now)
        self.turns.append(turn)
        return turn

    def files_anonymous_corruption(self, details: str = "เจ้าหน้าที่เรียกรับเงิน 5,000 บาท เพื่อเร่งเรื่องย้าย",
                                   image: bool = True):
        self.says("แจ้งทุจริต")
        self.says(details)
        self.says("เสร็จแล้ว")
        if image:
            self.sends_image()
        self.says("เสร็จแล้ว" if image else "ข้าม")
        self.says("ไม่ระบุตัวตน")
        return self.says("ยืนยันส่งเรื่อง")


CODE = re.compile(r"\b[A-Z]{1,4}-[0-9A-Z]{4}-[0-9A-Z]{4}(?:-[0-9A-Z]{4}-[0-9A-Z]{4})?\b")


def code_in(turn_or_text) -> str:
    text = turn_or_text if isinstance(turn_or_text, str) else said(turn_or_text)
    m = CODE.search(text)
    assert m, f"no tracking code in: {text}"
    return m.group(0)


STAFF_GROUP = "Cstaffgroup0000000000000000000001"
STAFF_MAIL = "integrity@sesaop.example"


@pytest.fixture
def smtp():
    fake = FakeSMTP()
    yield fake
    fake.close()


@pytest.fixture
def settings(settings, smtp):
    """The shared test settings, with a staff LINE group and an alert mailbox on the fake mail server, which
    are the integrity unit's targets too (tests of routing use distinct ones: test_reporter_protection)."""
    return settings.replace(staff_line_targets=(STAFF_GROUP,), smtp_url=smtp.url, alert_emails=(STAFF_MAIL,),
                            integrity_line_targets=(STAFF_GROUP,), integrity_alert_emails=(STAFF_MAIL,))


def without_web_floodgate(services, per_address: int = 1000) -> None:
    """For tests that file web complaints at machine speed from one address: no minimum time before
    confirming, and a high per-address day limit (test_reporter_protection tests both)."""
    from bot.complaints import content as cc

    content = cc.of(services)
    services.complaints_content = content.model_copy(update={"limits": content.limits.model_copy(
        update={"web_min_seconds_to_confirm": 0, "web_complaints_per_address_per_day": per_address})})


def wait_idle(services, timeout: float = 10.0) -> None:
    """Wait for the background delivery started after a commit to finish."""
    kicker = services.kicker
    if kicker is not None:
        assert kicker.idle.wait(timeout), "outbox delivery did not finish"


def pushes_to(fake, to: str) -> list[dict]:
    return [r.json for r in fake.calls("POST", r"/v2/bot/message/push$") if r.json.get("to") == to]


def push_texts(fake, to: str) -> str:
    return "\n".join(m.get("text", "") for body in pushes_to(fake, to) for m in body["messages"])


def has_route(app, path: str) -> bool:
    return any(rule.rule == path for rule in app.url_map.iter_rules())


class LineUser:
    """Someone on LINE: each message is a signed webhook to the app; answers are read on the fake API."""

    def __init__(self, client, line_api, user_id: str, secret: str):
        self.client, self.line_api, self.user_id, self.secret = client, line_api, user_id, secret

    def post(self, message: dict, source: dict | None = None, kind: str = "message") -> None:
        token = uuid.uuid4().hex
        event = {"type": kind, "mode": "active", "timestamp": int(time.time() * 1000),
                 "source": source or {"type": "user", "userId": self.user_id},
                 "webhookEventId": uuid.uuid4().hex.upper(), "deliveryContext": {"isRedelivery": False},
                 "replyToken": token}
        if message:
            event["message"] = message
        body = json.dumps({"destination": "Ubotdestination", "events": [event]}).encode()
        resp = self.client.post("/webhooks/line", data=body, content_type="application/json",
                                headers={"X-Line-Signature": line_signature(body, self.secret)})
        assert resp.status_code == 200, resp.data
        self.last_token = token

    def says(self, text: str) -> str:
        self.post({"id": uuid.uuid4().hex[:12], "type": "text", "text": text, "quoteToken": "q"})
        return self.answer()

    def sends_image(self, message_id: str) -> str:
        self.post({"id": message_id, "type": "image", "contentProvider": {"type": "line"}, "quoteToken": "q"})
        return self.answer()

    def answer(self) -> str:
        """Text of the reply to the last webhook (by its reply token), or of a push if it fell back."""
        for rec in reversed(self.line_api.calls("POST", r"/v2/bot/message/reply$")):
            if rec.json.get("replyToken") == self.last_token:
                return "\n".join(m.get("text") or m.get("altText") or "" for m in rec.json["messages"])
        return ""


@pytest.fixture
def sqlite_only(tmp_path, sqlite_template) -> str:
    """For modules whose behaviour does not depend on the database: import as `database_url` to run them
    on SQLite only (a PostgreSQL database per test costs half a second). Filing, the outbox, the CLI,
    the channels and the load test keep running on both."""
    path = tmp_path / "bot.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"

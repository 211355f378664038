"""`outbound.push` on every channel, checked on the fake platform APIs."""
from __future__ import annotations

import pytest

from bot.channels import outbound
from bot.channels.platforms import DeliveryError
from bot.core.messages import Card, CardRow, QuickReply, Text
from tests.test_channel_fixtures import facebook_api, line_api  # noqa: F401 (fixtures)

STATUS = Card(title="สถานะเรื่องร้องเรียน", alt_text="เรื่อง C-2407-AB12 อยู่ระหว่างตรวจสอบ",
              rows=(CardRow("รหัสเรื่อง", "C-2407-AB12", True), CardRow("สถานะ", "อยู่ระหว่างตรวจสอบ")))


def test_line_push_renders_texts_and_cards(services, line_api):
    outbound.push(services, "line", "U42", [Text("แจ้งความคืบหน้า", (QuickReply("ติดตาม", "ติดตามเรื่อง"),)),
                                            STATUS], retry_key="123e4567-e89b-12d3-a456-426614174000")
    (call,) = line_api.calls("POST", r"^/v2/bot/message/push$")
    assert call.json["to"] == "U42"
    text, flex = call.json["messages"]
    assert text["text"] == "แจ้งความคืบหน้า" and text["quickReply"]["items"][0]["action"]["text"] == "ติดตามเรื่อง"
    assert flex["type"] == "flex" and flex["altText"] == STATUS.alt_text
    assert call.headers["x-line-retry-key"] == "123e4567-e89b-12d3-a456-426614174000"


def test_line_push_sends_five_messages_a_call(services, line_api):
    outbound.push(services, "line", "Cgroup", [Text(f"ข้อความ {i}") for i in range(7)])
    calls = line_api.calls("POST", r"^/v2/bot/message/push$")
    assert [len(c.json["messages"]) for c in calls] == [5, 2]


def test_each_batch_has_its_own_retry_key_and_a_retry_reuses_them(services, line_api):
    key = "123e4567-e89b-12d3-a456-426614174000"
    for _ in range(2):  # the first delivery, then the same delivery retried
        outbound.push(services, "line", "U42", [Text(f"ข้อความ {i}") for i in range(7)], retry_key=key)
    keys = [c.headers["x-line-retry-key"] for c in line_api.calls("POST", r"^/v2/bot/message/push$")]
    assert keys[0] == key and keys[0] != keys[1]  # LINE would drop a second batch sent under the same key
    assert keys[2:] == keys[:2]


def test_line_push_failure_is_a_delivery_error(services, line_api):
    line_api.fail("POST", r"^/v2/bot/message/push$", status=429)
    with pytest.raises(DeliveryError) as err:
        outbound.push(services, "line", "U42", [Text("x")])
    assert err.value.status == 429 and err.value.retryable


def test_facebook_push_uses_a_message_tag(services, facebook_api):
    outbound.push(services, "facebook", "PSID9", [Text("แจ้งความคืบหน้า"), STATUS])
    calls = [c.json for c in facebook_api.calls("POST", r"/me/messages$")]
    assert all(c["recipient"] == {"id": "PSID9"} and c["messaging_type"] == "MESSAGE_TAG"
               and c["tag"] == "ACCOUNT_UPDATE" for c in calls)
    assert calls[0]["message"] == {"text": "แจ้งความคืบหน้า"}
    assert calls[1]["message"]["attachment"]["payload"]["template_type"] == "generic"
    assert "C-2407-AB12" in calls[2]["message"]["text"]


def test_web_push_lands_in_the_inbox(services):
    from bot.channels.web_inbox import collect

    outbound.push(services, "web", "web-abc", [STATUS])
    (card,) = collect(services, "web-abc")
    assert card["type"] == "card" and card["rows"][0]["value"] == "C-2407-AB12"
    assert collect(services, "web-abc") == [] and collect(services, "web-other") == []


def test_push_on_an_unconfigured_or_unknown_channel_fails_clearly(services):
    services.settings = services.settings.replace(line_channel_access_token="", facebook_page_access_token="")
    for channel in ("line", "facebook", "sms"):
        with pytest.raises(DeliveryError) as err:
            outbound.push(services, channel, "someone", [Text("x")])
        assert not err.value.retryable

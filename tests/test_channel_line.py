"""The LINE webhook end to end: signed requests through the Flask test client, answers checked on the
fake LINE API (what the real SDK sent), audience tables checked in the database."""
from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import select

from bot.core.messages import Card, CardRow, Incoming, QuickReply, Text
from bot.storage.models import ChatGroup, Follower, ProcessedEvent
from tests.fakes.platform import Response
from scoring import year_result
from scoring.summary import fmt
from tests.test_channel_fixtures import (answer_everything, answer_with, facebook_api,  # noqa: F401 (fixtures)
                                         line_api, line_signature)

REPLY, PUSH = r"^/v2/bot/message/reply$", r"^/v2/bot/message/push$"


def post_line(client, payload, signature: str | None = None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    sig = line_signature(body) if signature is None else signature
    if sig:
        headers["X-Line-Signature"] = sig
    return client.post("/webhooks/line", data=body, headers=headers)


def event(kind: str, source: dict | None = None, event_id: str | None = None, **fields) -> dict:
    base = {"type": kind, "mode": "active", "timestamp": int(time.time() * 1000),
            "webhookEventId": event_id or uuid.uuid4().hex.upper(),
            "deliveryContext": {"isRedelivery": False},
            "source": source or {"type": "user", "userId": "U1234567890abcdef"}}
    if kind not in ("unfollow", "leave"):
        base["replyToken"] = f"reply-{uuid.uuid4().hex[:8]}"
    base.update(fields)
    return base


def text_event(text: str, **kw) -> dict:
    return event("message", message={"type": "text", "id": "468789577898262530", "quoteToken": "q",
                                     "text": text}, **kw)


def body(*events: dict) -> dict:
    return {"destination": "Ubot", "events": list(events)}


def test_text_message_is_answered_by_reply_with_quick_replies(client, line_api, services):
    ev = text_event("สวัสดี")
    resp = post_line(client, body(ev))
    assert resp.status_code == 200
    (call,) = line_api.calls("POST", REPLY)
    sent = call.json
    assert sent["replyToken"] == ev["replyToken"]
    assert call.headers["authorization"] == "Bearer test-line-access-token"
    first = sent["messages"][0]
    assert first["type"] == "text" and first["text"].strip()
    last = sent["messages"][-1]
    labels = [item["action"]["label"] for item in last["quickReply"]["items"]]
    assert labels and len(labels) <= 13 and all(len(label) <= 20 for label in labels)
    assert not line_api.calls("POST", PUSH)
    with services.db.session() as s:
        follower = s.scalars(select(Follower).where(Follower.channel == "line")).one()
    assert follower.user_id == "U1234567890abcdef" and follower.active and follower.last_message_at


def test_card_becomes_a_flex_bubble_with_alt_text(app, client, line_api):
    card = Card(title="ผล ITA ปี 2564", alt_text="ITA ปี 2564 ได้ 93.23 คะแนน (ระดับ A)", subtitle="ระดับ A",
                rows=(CardRow("คะแนนรวม", "93.23", emphasis=True), CardRow("ระดับ", "A")),
                footer="ที่มา: ITAS", link_label="ดูรายละเอียด", link_url="https://itas.nacc.go.th/",
                quick_replies=(QuickReply("ปีอื่น", "ITA ปี 2563"),))
    answer_with(app, [card])
    assert post_line(client, body(text_event("ITA ปี 2564 ได้กี่คะแนน"))).status_code == 200
    (message,) = line_api.calls("POST", REPLY)[0].json["messages"]
    assert message["type"] == "flex"
    assert message["altText"] == "ITA ปี 2564 ได้ 93.23 คะแนน (ระดับ A)"
    bubble = message["contents"]
    assert bubble["type"] == "bubble"
    flat = json.dumps(bubble, ensure_ascii=False)
    assert "ผล ITA ปี 2564" in flat and "คะแนนรวม" in flat and "93.23" in flat and "ที่มา: ITAS" in flat
    button = bubble["footer"]["contents"][-1]
    assert button["type"] == "button" and button["action"] == {"type": "uri", "label": "ดูรายละเอียด",
                                                               "uri": "https://itas.nacc.go.th/"}
    assert message["quickReply"]["items"][0]["action"]["text"] == "ITA ปี 2563"


def test_alt_text_is_cut_to_400_characters_after_a_whole_word(app, client, line_api):
    sentence = "กรุณาแนบรูปถ่ายหรือหลักฐานการร้องทุกข์ "  # 39 characters; cut by count it ends "หรือหลักฐ"
    answer_with(app, [Card(title="t", alt_text=sentence * 12, rows=(CardRow("a", "b"),))])
    post_line(client, body(text_event("ITA")))
    alt = line_api.calls("POST", REPLY)[0].json["messages"][0]["altText"]
    assert 380 <= len(alt) <= 400 and alt.endswith("…")
    assert (sentence * 12).startswith(alt[:-1]) and alt[:-1].endswith(("หลักฐาน", "ร้องทุกข์", "กรุณา", "หรือ", "แนบ",
                                                                       "รูปถ่าย", "การ"))


def test_quick_reply_labels_over_twenty_characters_are_cut_after_a_whole_word(app, client, line_api):
    answer_with(app, [Text("เลือก", (QuickReply("ขอหนังสือรับรองเงินเดือนครู", "x"),))])
    post_line(client, body(text_event("ITA")))
    label = line_api.calls("POST", REPLY)[0].json["messages"][0]["quickReply"]["items"][0]["action"]["label"]
    assert len(label) <= 20 and label in ("ขอหนังสือรับรอง…", "ขอหนังสือ…")


def test_long_answers_are_split_and_capped_at_five_messages_a_call(app, client, line_api):
    answer_with(app, [Text("ก" * 12000)] + [Text(f"ข้อ {i}") for i in range(4)])
    ev = text_event("ติดต่อ")
    post_line(client, body(ev))
    (reply,) = line_api.calls("POST", REPLY)
    assert [len(m["text"]) for m in reply.json["messages"][:3]] == [5000, 5000, 2000]
    assert len(reply.json["messages"]) == 5
    (push,) = line_api.calls("POST", PUSH)  # the overflow is pushed, nothing is lost
    assert push.json["to"] == ev["source"]["userId"] and len(push.json["messages"]) == 2


def test_redelivered_event_is_answered_once(client, line_api, services):
    ev = text_event("สวัสดี", event_id="01HREDELIVERY0000000000000")
    assert post_line(client, body(ev)).status_code == 200
    again = dict(ev, deliveryContext={"isRedelivery": True})
    assert post_line(client, body(again)).status_code == 200
    assert len(line_api.calls("POST", REPLY)) == 1
    with services.db.session() as s:
        assert s.get(ProcessedEvent, ("line", "01HREDELIVERY0000000000000")) is not None


@pytest.mark.parametrize("signature", ["", "bm90IHRoZSByaWdodCBzaWduYXR1cmU=",
                                       line_signature(b"another body")])
def test_missing_or_bad_signature_is_400_and_nothing_is_handled(client, line_api, signature):
    resp = post_line(client, body(text_event("สวัสดี")), signature=signature)
    assert resp.status_code == 400 and "signature" in resp.get_json()["error"].lower()
    assert line_api.requests == []


def test_signature_from_another_secret_is_rejected(client, line_api):
    raw = json.dumps(body(text_event("สวัสดี"))).encode()
    resp = post_line(client, None, signature=line_signature(raw, "someone-else"), raw=raw)
    assert resp.status_code == 400 and line_api.requests == []


def test_oversized_body_is_413(settings, services, line_api):
    from app import create_app

    small = create_app(settings.replace(max_body_bytes=2048), services).test_client()
    raw = json.dumps(body(text_event("ก" * 3000))).encode()
    resp = post_line(small, None, raw=raw)
    assert resp.status_code == 413 and "error" in resp.get_json()
    assert line_api.requests == []


def test_malformed_json_with_valid_signature_is_400(client, line_api):
    resp = post_line(client, None, raw=b'{"events": [')
    assert resp.status_code == 400 and "json" in resp.get_json()["error"].lower()
    resp = post_line(client, None, raw=b'["not", "an", "object"]')
    assert resp.status_code == 400
    assert line_api.requests == []


def test_unknown_event_types_are_ignored_with_200(client, line_api):
    weird = event("somethingNew", someField=1)
    broken = event("message", message={"type": "hologram", "id": "1"})
    resp = post_line(client, body(weird, broken, event("memberJoined", source={"type": "group", "groupId": "C1"},
                                                       joined={"members": []})))
    assert resp.status_code == 200
    assert line_api.requests == []


def test_webhook_verification_request_with_no_events_is_200(client, line_api):
    assert post_line(client, {"destination": "Ubot", "events": []}).status_code == 200
    assert line_api.requests == []


def test_follow_records_an_active_follower_and_welcomes(client, line_api, services, content):
    post_line(client, body(event("follow", follow={"isUnblocked": False})))
    with services.db.session() as s:
        follower = s.scalars(select(Follower).where(Follower.user_id == "U1234567890abcdef")).one()
    assert follower.channel == "line" and follower.active and follower.unfollowed_at is None
    (message,) = line_api.calls("POST", REPLY)[0].json["messages"]
    assert message["text"] == content.say("line_welcome")
    assert [i["action"]["text"] for i in message["quickReply"]["items"]][0] == "ผล ITA ล่าสุด"


def test_unfollow_deactivates_and_refollow_reactivates(client, line_api, services, content):
    post_line(client, body(event("follow", follow={"isUnblocked": False})))
    post_line(client, body(event("unfollow")))
    with services.db.session() as s:
        follower = s.scalars(select(Follower)).one()
        assert not follower.active and follower.unfollowed_at is not None
    post_line(client, body(event("follow", follow={"isUnblocked": True})))
    with services.db.session() as s:
        assert s.scalars(select(Follower)).one().active
    welcome_back = line_api.calls("POST", REPLY)[-1].json["messages"][0]["text"]
    assert welcome_back == content.say("line_welcome_back")


def test_join_records_the_group_and_says_hello(client, line_api, services, content):
    group = {"type": "group", "groupId": "Cgroup123"}
    post_line(client, body(event("join", source=group)))
    with services.db.session() as s:
        row = s.get(ChatGroup, ("line", "Cgroup123"))
    assert row is not None and row.active and row.kind == "group"
    (message,) = line_api.calls("POST", REPLY)[0].json["messages"]
    assert message["text"] == content.say("line_join_hello")
    post_line(client, body(event("leave", source=group)))
    with services.db.session() as s:
        row = s.get(ChatGroup, ("line", "Cgroup123"))
    assert not row.active and row.left_at is not None


def test_in_a_group_the_bot_answers_only_when_mentioned(client, line_api, services):
    group = {"type": "group", "groupId": "Cstaff", "userId": "Ustaff"}
    post_line(client, body(text_event("คุยกันเองในกลุ่ม", source=group)))
    assert line_api.calls("POST", REPLY) == []
    mention = {"mentionees": [{"index": 0, "length": 4, "type": "user", "userId": "Ubot", "isSelf": True}]}
    ev = event("message", source=group, message={"type": "text", "id": "2", "quoteToken": "q",
                                                 "text": "@บอท เบอร์โทร", "mention": mention})
    post_line(client, body(ev))
    (reply,) = line_api.calls("POST", REPLY)
    assert reply.json["replyToken"] == ev["replyToken"]
    with services.db.session() as s:
        assert s.get(ChatGroup, ("line", "Cstaff")).active  # groups joined before the bot was deployed


def test_spent_reply_token_falls_back_to_push(client, line_api):
    line_api.script("POST", REPLY, Response(400, {"message": "Invalid reply token"}))
    ev = text_event("สวัสดี")
    assert post_line(client, body(ev)).status_code == 200
    (reply,) = line_api.calls("POST", REPLY)
    (push,) = line_api.calls("POST", PUSH)
    assert push.json["to"] == "U1234567890abcdef"
    assert push.json["messages"] == reply.json["messages"]
    assert push.headers.get("x-line-retry-key")


def test_a_failed_reply_is_pushed_later_by_the_outbox_not_lost(client, line_api):
    line_api.script("POST", REPLY, Response(500, {"message": "fake outage"}))
    ev = text_event("สวัสดี")
    assert post_line(client, body(ev)).status_code == 200
    (reply,) = line_api.calls("POST", REPLY)
    (push,) = line_api.wait_for("POST", PUSH)  # the app's background sender, right after the webhook
    assert push.json["to"] == "U1234567890abcdef" and push.json["messages"] == reply.json["messages"]
    assert push.headers.get("x-line-retry-key")


def test_postback_data_is_understood_like_text(app, client, line_api):
    seen = answer_everything(app, lambda ctx: [Text("โทร")])
    post_line(client, body(event("postback", postback={"data": "เบอร์โทร"})))
    assert seen[0].postback == "เบอร์โทร" and seen[0].channel == "line"
    assert line_api.calls("POST", REPLY)[0].json["messages"][0]["text"] == "โทร"


def test_media_and_location_messages_reach_the_core(app, client, line_api):
    seen = answer_everything(app, lambda ctx: [Text("ได้รับแล้ว")])
    messages = [
        {"type": "image", "id": "img1", "contentProvider": {"type": "line"}, "quoteToken": "q"},
        {"type": "file", "id": "file1", "fileName": "หลักฐาน.pdf", "fileSize": 2048},
        {"type": "sticker", "id": "st1", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC",
         "quoteToken": "q"},
        {"type": "location", "id": "loc1", "title": "สพม.พิจิตร", "address": "ถ.คลองคะเชนทร์",
         "latitude": 16.44, "longitude": 100.35},
    ]
    post_line(client, body(*[event("message", message=m) for m in messages]))
    image, file, sticker, location = seen
    assert (image.media.kind, image.media.ref) == ("image", "img1")
    assert (file.media.kind, file.media.ref, file.media.name, file.media.size) == ("file", "file1",
                                                                                    "หลักฐาน.pdf", 2048)
    assert sticker.media.kind == "sticker" and sticker.media.name == "446/1988"
    assert (location.location.latitude, location.location.title) == (16.44, "สพม.พิจิตร")
    assert len(line_api.calls("POST", REPLY)) == 4


def test_line_is_off_without_credentials(settings, services):
    from app import create_app

    off = settings.replace(line_channel_secret="", line_channel_access_token="")
    services.settings = off
    resp = create_app(off, services).test_client().post("/webhooks/line", data=b"{}")
    assert resp.status_code == 503
    assert resp.get_json()["enabled"] is False and "LINE_CHANNEL_SECRET" in resp.get_json()["error"]


def test_real_answers_reach_line(client, line_api, content):
    """The office's own answers (handlers on main) through the channel: a phone number and the ITA card."""
    post_line(client, body(text_event("เบอร์โทร")))
    assert content.office.phone in json.dumps(line_api.calls("POST", REPLY)[0].json, ensure_ascii=False)
    post_line(client, body(text_event("ITA ปี 2564 ได้กี่คะแนน", source={"type": "user", "userId": "U2"})))
    messages = line_api.calls("POST", REPLY)[1].json["messages"]
    flex = [m for m in messages if m["type"] == "flex"]
    assert flex and fmt(year_result(content.ita, 2564).total) in json.dumps(flex[0]["contents"], ensure_ascii=False)
    assert len(flex[0]["altText"]) <= 400


def test_in_standby_the_bot_neither_answers_nor_moves_a_flow_or_saves_a_rating(client, line_api, services):
    """Another module answers the chat in standby: a rating typed then must not be saved, nor the flow
    it belongs to move on; the same rating in active mode is."""
    from bot.feedback.models import Feedback

    def ratings() -> list[int]:
        with services.db.session() as s:
            return [f.rating for f in s.scalars(select(Feedback))]

    assert post_line(client, body(text_event("ให้คะแนนความพึงพอใจ"))).status_code == 200
    flow_before = services.states.load("line", "U1234567890abcdef")[0].get("flow")
    line_api.clear()
    assert post_line(client, body(text_event("4", mode="standby"))).status_code == 200
    assert ratings() == [] and not line_api.calls("POST", r"^/v2/bot/message/(reply|push)$")
    assert services.states.load("line", "U1234567890abcdef")[0].get("flow") == flow_before
    assert post_line(client, body(text_event("4"))).status_code == 200
    assert ratings() == [4]


@pytest.mark.parametrize("raw", [
    text_event("เบอร์โทรสำนักงาน"),
    text_event("ITA ปี 2564", mode="standby"),
    event("message", message={"type": "text", "id": "1", "quoteToken": "q", "text": "ต่อ", "quotedMessageId": "9"}),
    event("message", message={"type": "text", "id": "2", "quoteToken": "q", "text": "อีโมจิ",
                              "emojis": [{"index": 0, "length": 6, "productId": "p", "emojiId": "e"}]}),
    text_event("@bot สวัสดี", source={"type": "group", "groupId": "Cgroup", "userId": "U1"}),
    event("message", message={"type": "text", "id": "3", "text": "ไม่มี quote token"}),
    text_event("เวลาเป็นข้อความ", timestamp="1700000000000"),
], ids=["plain", "standby", "quoting", "emojis", "group", "no-quote-token", "bad-timestamp"])
def test_a_plain_text_read_from_the_dict_is_the_event_the_sdk_parses(raw):
    """Plain one-to-one texts skip the SDK's models; whatever they skip to must be what the SDK would
    have made of the same event, and anything else goes the SDK's way."""
    from linebot.v3.webhooks import Event, MessageEvent

    from bot.channels.line_events import TextFromUser, chat_id, incoming_from_message, plain_text, standby

    fast = plain_text(raw)
    try:
        sdk = Event.from_dict(raw)
    except Exception:
        sdk = None
    simple = isinstance(sdk, MessageEvent) and sdk.source.type == "user" and "emojis" not in raw["message"]
    assert isinstance(fast, TextFromUser) == simple
    if fast is not None:
        assert (fast.webhook_event_id, fast.reply_token, standby(fast), chat_id(fast.source)) == \
            (sdk.webhook_event_id, sdk.reply_token, standby(sdk), chat_id(sdk.source))
        assert Incoming("line", fast.user_id, text=fast.text) == incoming_from_message(chat_id(sdk.source),
                                                                                      sdk.message)

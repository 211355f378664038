"""The Messenger webhook end to end: Meta's handshake, signed deliveries through the Flask test client,
answers checked on the fake Send API."""
from __future__ import annotations

import json

from sqlalchemy import select

from bot.channels.facebook_events import incoming_from
from bot.core.messages import Card, CardRow, QuickReply, Text
from bot.storage.models import Follower
from scoring import year_result
from scoring.summary import fmt
from tests.test_channel_fixtures import (answer_everything, answer_with, facebook_api,  # noqa: F401 (fixtures)
                                         facebook_signature, line_api)

SEND = r"/me/messages$"
PSID = "6543210987654321"


def post_fb(client, payload=None, signature: str | None = None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    sig = facebook_signature(body) if signature is None else signature
    if sig:
        headers["X-Hub-Signature-256"] = sig
    return client.post("/webhooks/facebook", data=body, headers=headers)


def delivery(*items: dict) -> dict:
    return {"object": "page", "entry": [{"id": "PAGE1", "time": 1700000000000, "messaging": list(items)}]}


def message(text: str = "", mid: str = "m_1", **extra) -> dict:
    msg = {"mid": mid, **({"text": text} if text else {}), **extra}
    return {"sender": {"id": PSID}, "recipient": {"id": "PAGE1"}, "timestamp": 1700000000000, "message": msg}


def test_verify_handshake_returns_the_challenge(client):
    resp = client.get("/webhooks/facebook", query_string={"hub.mode": "subscribe",
                                                          "hub.verify_token": "test-verify-token",
                                                          "hub.challenge": "1158201444"})
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "1158201444"


def test_verify_handshake_with_a_wrong_token_or_mode_is_403(client):
    for args in ({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
                 {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"},
                 {}):
        assert client.get("/webhooks/facebook", query_string=args).status_code == 403


def test_missing_or_bad_signature_is_403(client, facebook_api):
    payload = delivery(message("สวัสดี"))
    assert post_fb(client, payload, signature="").status_code == 403
    assert post_fb(client, payload, signature="sha256=" + "0" * 64).status_code == 403
    assert post_fb(client, payload, signature=facebook_signature(b"other")).status_code == 403
    assert post_fb(client, payload, signature=facebook_signature(b"x", "wrong-secret")[7:]).status_code == 403
    assert facebook_api.requests == []


def test_malformed_json_is_400_and_oversized_is_413(client, settings, services, facebook_api):
    from app import create_app

    assert post_fb(client, raw=b'{"object": "page", ').status_code == 400
    small = create_app(settings.replace(max_body_bytes=1024), services).test_client()
    resp = post_fb(small, delivery(message("ก" * 2000)))
    assert resp.status_code == 413 and "error" in resp.get_json()
    assert facebook_api.requests == []


def test_message_is_answered_through_the_send_api(client, facebook_api, services):
    assert post_fb(client, delivery(message("สวัสดี"))).status_code == 200
    (call,) = facebook_api.calls("POST", SEND)
    assert call.query["access_token"] == ["test-page-token"]
    sent = call.json
    assert sent["recipient"] == {"id": PSID} and sent["messaging_type"] == "RESPONSE"
    assert sent["message"]["text"].strip()
    quick = sent["message"]["quick_replies"]
    assert 0 < len(quick) <= 13 and all(len(q["title"]) <= 20 and q["content_type"] == "text" for q in quick)
    with services.db.session() as s:
        follower = s.scalars(select(Follower).where(Follower.channel == "facebook")).one()
    assert follower.user_id == PSID and follower.active and follower.last_message_at is not None


def test_long_text_is_split_at_2000_characters(app, client, facebook_api):
    long = ("คำตอบยาวมาก " * 400).strip()
    answer_with(app, [Text(long, (QuickReply("เมนู", "เมนู"),))])
    post_fb(client, delivery(message("ติดต่อ")))
    calls = facebook_api.calls("POST", SEND)
    texts = [c.json["message"]["text"] for c in calls]
    assert len(calls) == 3 and all(len(t) <= 2000 for t in texts)
    assert "".join(texts) == long
    assert "quick_replies" not in calls[0].json["message"] and calls[-1].json["message"]["quick_replies"]


def test_quick_replies_are_capped_at_13_with_20_character_titles(app, client, facebook_api):
    many = tuple(QuickReply(f"ตัวเลือกที่ยาวมากเกินยี่สิบตัว {i}", f"ข้อ {i}") for i in range(20))
    answer_with(app, [Text("เลือกหัวข้อ", many)])
    post_fb(client, delivery(message("ติดต่อ")))
    quick = facebook_api.calls("POST", SEND)[0].json["message"]["quick_replies"]
    assert len(quick) == 13 and max(len(q["title"]) for q in quick) <= 20
    assert quick[0]["title"] == "ตัวเลือกที่ยาวมาก…"  # cut after a whole word, not mid-word
    assert quick[0]["payload"] == "ข้อ 0"


def test_card_is_a_generic_template_plus_its_full_text(app, client, facebook_api):
    card = Card(title="ผล ITA ปี 2564 สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาพิจิตร " * 2,
                alt_text="ITA ปี 2564 ได้ 93.23 คะแนน", subtitle="สพม.พิจิตร",
                rows=(CardRow("ระดับ", "A"), CardRow("คะแนนรวม", "93.23", emphasis=True)),
                footer="ที่มา: ITAS", link_label="ดูรายละเอียด", link_url="https://itas.nacc.go.th/")
    answer_with(app, [card])
    post_fb(client, delivery(message("ITA ปี 2564 ได้กี่คะแนน")))
    template, text = [c.json["message"] for c in facebook_api.calls("POST", SEND)]
    payload = template["attachment"]["payload"]
    assert template["attachment"]["type"] == "template" and payload["template_type"] == "generic"
    (element,) = payload["elements"]
    assert len(element["title"]) <= 80 and len(element["subtitle"]) <= 80
    assert element["subtitle"] == "คะแนนรวม: 93.23"  # the main figures, not the subtitle
    assert element["buttons"] == [{"type": "web_url", "url": "https://itas.nacc.go.th/", "title": "ดูรายละเอียด"}]
    for part in ("สพม.พิจิตร", "คะแนนรวม: 93.23", "ระดับ: A", "ที่มา: ITAS"):
        assert part in text["text"]


def test_a_procedure_is_one_template_and_its_details_without_repeating_the_title(client, facebook_api, content):
    proc = content.procedure("employment-certificate")
    post_fb(client, delivery(message("ขอหนังสือรับรองเงินเดือน")))
    sent = [c.json["message"] for c in facebook_api.calls("POST", SEND)]
    assert sent[0]["attachment"]["payload"]["elements"][0]["title"] == proc.title
    texts = " ".join(m.get("text", "") for m in sent)
    assert proc.title not in texts and proc.steps[0] in texts and proc.fee in texts


def test_same_message_mid_is_answered_once(client, facebook_api):
    post_fb(client, delivery(message("สวัสดี", mid="m_same")))
    post_fb(client, delivery(message("สวัสดี", mid="m_same")))
    assert len(facebook_api.calls("POST", SEND)) == 1


def test_quick_reply_payload_and_postbacks_are_what_the_bot_understands(app, client, facebook_api):
    seen = answer_everything(app, lambda ctx: [Text("056-990347")])
    post_fb(client, delivery(message("ติดต่อ", mid="m_q", quick_reply={"payload": "เบอร์โทร"})))
    postback = {"sender": {"id": PSID}, "recipient": {"id": "PAGE1"}, "timestamp": 1700000000001,
                "postback": {"mid": "m_p", "title": "ติดต่อเรา", "payload": "ข้อมูลติดต่อ"}}
    post_fb(client, delivery(postback))
    assert [m.utterance for m in seen] == ["เบอร์โทร", "ข้อมูลติดต่อ"]
    assert len(facebook_api.calls("POST", SEND)) == 2


def test_echoes_reads_and_deliveries_are_not_answered(client, facebook_api):
    echo = message("ข้อความของเพจเอง", mid="m_echo", is_echo=True)
    read = {"sender": {"id": PSID}, "recipient": {"id": "PAGE1"}, "timestamp": 1, "read": {"watermark": 1}}
    assert post_fb(client, delivery(echo, read)).status_code == 200
    assert post_fb(client, {"object": "instagram", "entry": []}).status_code == 200
    assert facebook_api.calls("POST", SEND) == []


def test_attachments_become_media_and_location():
    image = incoming_from(message(mid="m_i", attachments=[{"type": "image",
                                                           "payload": {"url": "https://cdn.example/p.jpg"}}]))
    assert image.media.kind == "image" and image.media.ref == "https://cdn.example/p.jpg"
    file = incoming_from(message(mid="m_f", attachments=[{"type": "file", "payload": {"url": "https://cdn/f.pdf"}}]))
    assert file.media.kind == "file"
    place = incoming_from(message(mid="m_l", attachments=[{"type": "location", "title": "สพม.พิจิตร",
                                                           "payload": {"coordinates": {"lat": 16.44, "long": 100.35}}}]))
    assert (place.location.latitude, place.location.longitude, place.location.title) == (16.44, 100.35, "สพม.พิจิตร")
    assert incoming_from(message(mid="m_x", attachments=[{"type": "fallback", "payload": {}}])) is None


def test_send_api_failure_keeps_the_webhook_200(client, facebook_api):
    facebook_api.fail("POST", SEND, status=500)
    assert post_fb(client, delivery(message("สวัสดี"))).status_code == 200


def test_messenger_is_off_without_credentials(settings, services):
    from app import create_app

    off = settings.replace(facebook_app_secret="", facebook_page_access_token="")
    services.settings = off
    client = create_app(off, services).test_client()
    assert client.get("/webhooks/facebook").status_code == 503
    resp = client.post("/webhooks/facebook", data=b"{}")
    assert resp.status_code == 503 and "FACEBOOK_APP_SECRET" in resp.get_json()["error"]


def test_real_ita_answer_reaches_messenger(client, facebook_api, content):
    post_fb(client, delivery(message("ITA ปี 2564 ได้กี่คะแนน", mid="m_ita")))
    sent = json.dumps([c.json for c in facebook_api.calls("POST", SEND)], ensure_ascii=False)
    assert fmt(year_result(content.ita, 2564).total) in sent

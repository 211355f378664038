"""The web chat: page, widget, JSON API round trip, input validation, and the inbox of later messages."""
from __future__ import annotations

from bot.channels import outbound
from bot.core.messages import Card, CardRow, Text
from tests.test_channel_fixtures import answer_with, facebook_api, line_api  # noqa: F401 (fixtures)


def test_chat_page_is_thai_and_self_contained(client):
    resp = client.get("/chat")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert '<html lang="th">' in html and "แชทกับ สพม.พิจิตร" in html
    assert 'name="viewport"' in html
    assert "/chat/static/chat.js" in html and "/chat/static/chat.css" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html  # no CDN
    for asset in ("/chat/static/chat.js", "/chat/static/chat.css"):
        assert client.get(asset).status_code == 200


def test_widget_script_opens_the_chat_in_an_iframe(client):
    resp = client.get("/chat/widget.js")
    script = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "application/javascript"
    assert "/chat?embed=1" in script and "iframe" in script and "แชทกับเรา" in script


def test_round_trip_keeps_the_visitor(client):
    first = client.post("/api/chat", json={"text": "สวัสดี"})
    assert first.status_code == 200
    data = first.get_json()
    assert data["user_id"].startswith("web-") and len(data["user_id"]) > 20
    reply = data["replies"][0]
    assert reply["type"] == "text" and reply["text"].strip()
    assert all(set(q) == {"label", "text"} for q in reply["quick_replies"])
    again = client.post("/api/chat", json={"text": "เบอร์โทร"}).get_json()  # same session cookie
    assert again["user_id"] == data["user_id"]


def test_user_id_sent_by_the_page_is_used(client):
    data = client.post("/api/chat", json={"text": "สวัสดี", "user_id": "web-from-local-storage"}).get_json()
    assert data["user_id"] == "web-from-local-storage"


def test_cards_are_sent_as_structured_json(app, client):
    card = Card(title="ผล ITA ปี 2564", alt_text="ITA 93.23", rows=(CardRow("คะแนนรวม", "93.23", True),))
    answer_with(app, [card])
    (reply,) = client.post("/api/chat", json={"text": "ITA ปี 2564 ได้กี่คะแนน"}).get_json()["replies"]
    assert reply["type"] == "card" and reply["title"] == "ผล ITA ปี 2564"
    assert reply["rows"] == [{"label": "คะแนนรวม", "value": "93.23", "emphasis": True}]


def test_bad_input_gets_a_clear_thai_and_english_error(client, content):
    not_json = client.post("/api/chat", data="text=hello", content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 400
    assert not_json.get_json() == {"error": content.say("webchat_error_not_json"),
                                   "error_en": content.say("webchat_error_not_json", "en")}
    for body in ({}, {"text": ""}, {"text": "   "}, {"text": 42}, ["สวัสดี"]):
        resp = client.post("/api/chat", json=body)
        assert resp.status_code == 400, body
        assert resp.get_json()["error"] and resp.get_json()["error_en"]
    assert client.post("/api/chat", data="{broken", content_type="application/json").status_code == 400
    too_long = client.post("/api/chat", json={"text": "ก" * 2001})
    assert too_long.status_code == 413 and "2000" in too_long.get_json()["error"]
    assert client.post("/api/chat", json={"text": "ก" * 2000}).status_code == 200
    bad_id = client.post("/api/chat", json={"text": "สวัสดี", "user_id": "<script>"})
    assert bad_id.status_code == 400 and bad_id.get_json()["error_en"]


def test_inbox_returns_pushed_messages_once(client, services):
    user_id = client.post("/api/chat", json={"text": "สวัสดี"}).get_json()["user_id"]
    assert client.get("/api/chat/inbox").get_json()["replies"] == []
    outbound.push(services, "web", user_id, [Text("เรื่องของท่านได้รับการพิจารณาแล้ว"),
                                             Card(title="สถานะเรื่อง", alt_text="ดำเนินการแล้ว")])
    replies = client.get("/api/chat/inbox", query_string={"user_id": user_id}).get_json()["replies"]
    assert [r["type"] for r in replies] == ["text", "card"]
    assert replies[0]["text"] == "เรื่องของท่านได้รับการพิจารณาแล้ว"
    assert client.get("/api/chat/inbox").get_json()["replies"] == []  # delivered once

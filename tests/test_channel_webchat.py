"""The web chat: page, widget, JSON API round trip, input validation, the inbox of later messages, who a
visitor is (only what the server says) and the session's history restored on reload."""
from __future__ import annotations

from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer

from bot.channels import outbound, web_history
from bot.channels.web_models import WebChatEntry
from bot.channels.webchat import TOKEN_HEADER, TOKEN_SALT
from bot.core.messages import Card, CardRow, Text
from bot.storage import utcnow
from tests.complaint_helpers import code_in, without_web_floodgate
from tests.test_channel_fixtures import answer_with, facebook_api, line_api  # noqa: F401 (fixtures)


def visitor_of(app, data: dict) -> str:
    """The visitor id inside the token the server issued (only the server can read and sign it)."""
    return URLSafeTimedSerializer(app.secret_key, salt=TOKEN_SALT).loads(data["token"])


def shown(replies: list[dict]) -> str:
    return " ".join(r.get("text", "") for r in replies)


def test_chat_page_is_thai_and_self_contained(client, content):
    resp = client.get("/chat")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert '<html lang="th">' in html and f"แชทกับ {content.office.short_name}" in html
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


def test_round_trip_keeps_the_visitor(app, client):
    first = client.post("/api/chat", json={"text": "สวัสดี"})
    assert first.status_code == 200
    data = first.get_json()
    user_id = visitor_of(app, data)
    assert user_id.startswith("web-") and len(user_id) > 20 and "user_id" not in data
    reply = data["replies"][0]
    assert reply["type"] == "text" and reply["text"].strip()
    assert all(set(q) == {"label", "text"} for q in reply["quick_replies"])
    again = client.post("/api/chat", json={"text": "เบอร์โทร"}).get_json()  # same session cookie
    assert visitor_of(app, again) == user_id


def test_session_cookie_is_signed_http_only_and_lax(client, settings, services):
    cookie = client.post("/api/chat", json={"text": "สวัสดี"}).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    from app import create_app

    https = create_app(settings.replace(public_base_url="https://bot.example.go.th"), services).test_client()
    assert "Secure" in https.post("/api/chat", json={"text": "สวัสดี"}).headers["Set-Cookie"]


def test_the_widgets_token_header_identifies_the_visitor_without_a_cookie(app, client):
    data = client.post("/api/chat", json={"text": "อยากร้องเรียน"}).get_json()
    framed = app.test_client()  # an iframe whose third-party cookie the browser blocked
    history = framed.get("/api/chat/history", headers={TOKEN_HEADER: data["token"]}).get_json()
    assert "อยากร้องเรียน" in shown(history["replies"]) and visitor_of(app, history) == visitor_of(app, data)


def test_a_user_id_in_the_body_or_query_is_refused(client):
    for resp in (client.post("/api/chat", json={"text": "สวัสดี", "user_id": "web-from-local-storage"}),
                 client.get("/api/chat/inbox?user_id=web-from-local-storage"),
                 client.get("/api/chat/history?user_id=web-from-local-storage")):
        assert resp.status_code == 400 and "รหัสผู้ใช้" in resp.get_json()["error"]


def test_a_second_visitor_presenting_anothers_id_sees_nothing_of_theirs(app, client, services):
    without_web_floodgate(services)
    for text in ("อยากร้องเรียน", "การให้บริการ", "โทรติดต่อไม่ได้ทั้งวัน", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน",
                 "ยืนยันส่งเรื่อง"):
        filed = client.post("/api/chat", json={"text": text}).get_json()
    code = code_in(shown(filed["replies"]))
    first = visitor_of(app, filed)
    client.post("/api/chat", json={"text": "ร้องเรียน"})  # a second draft, half filed
    client.post("/api/chat", json={"text": "การให้บริการ"})
    outbound.push(services, "web", first, [Text("ความคืบหน้าเรื่อง " + code)])

    other = app.test_client()
    forged = URLSafeTimedSerializer("not-the-servers-key", salt=TOKEN_SALT).dumps(first)
    for headers in ({}, {TOKEN_HEADER: first}, {TOKEN_HEADER: forged}):
        assert other.get("/api/chat/inbox", headers=headers).get_json()["replies"] == []
        assert other.get("/api/chat/history", headers=headers).get_json()["replies"] == []
    assert other.post("/api/chat", json={"text": "สวัสดี", "user_id": first}).status_code == 400
    tracked = other.post("/api/chat", json={"text": code}, headers={TOKEN_HEADER: forged}).get_json()
    seen = shown(tracked["replies"])  # the code shows anyone its status, never what the visitor wrote
    assert "แสดงเฉพาะสถานะ" in seen and "โทรติดต่อไม่ได้" not in seen and visitor_of(app, tracked) != first
    taken = other.post("/api/chat", json={"text": "ขอข้อมูลเพิ่มเติม"}).get_json()  # is not detail #1 of the draft
    assert "รับรายละเอียดแล้ว" not in shown(taken["replies"])
    # the first visitor still has all of it
    assert "ความคืบหน้าเรื่อง" in shown(client.get("/api/chat/inbox").get_json()["replies"])
    state, _ = services.states.load("web", first)
    assert state["flow"]["step"] == "details" and state["flow"]["data"]["details"] == []


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
    assert client.post("/api/chat", json={"text": "สวัสดี"}, headers={TOKEN_HEADER: "garbage"}).status_code == 200


def test_inbox_returns_pushed_messages_once(app, client, services):
    user_id = visitor_of(app, client.post("/api/chat", json={"text": "สวัสดี"}).get_json())
    assert client.get("/api/chat/inbox").get_json()["replies"] == []
    outbound.push(services, "web", user_id, [Text("เรื่องของท่านได้รับการพิจารณาแล้ว"),
                                             Card(title="สถานะเรื่อง", alt_text="ดำเนินการแล้ว")])
    replies = client.get("/api/chat/inbox").get_json()["replies"]
    assert [r["type"] for r in replies] == ["text", "card"]
    assert replies[0]["text"] == "เรื่องของท่านได้รับการพิจารณาแล้ว"
    assert client.get("/api/chat/inbox").get_json()["replies"] == []  # delivered once


def test_history_restores_the_session_and_says_a_complaint_is_in_progress(client, content):
    assert client.get("/api/chat/history").get_json()["replies"] == []  # a new visitor: the welcome
    client.post("/api/chat", json={"text": "เบอร์โทรสำนักงาน"})
    assert all(r.get("type") != "notice" for r in client.get("/api/chat/history").get_json()["replies"])
    client.post("/api/chat", json={"text": "อยากร้องเรียน"})
    replies = client.get("/api/chat/history").get_json()["replies"]
    assert [r["text"] for r in replies if r["role"] == "user"] == ["เบอร์โทรสำนักงาน", "อยากร้องเรียน"]
    assert content.office.phone in shown(replies)
    assert replies[-1]["type"] == "notice" and "ยังไม่ได้ส่ง" in replies[-1]["text"]
    assert any(q["text"] == "ยกเลิก" for q in replies[-2]["quick_replies"])  # the buttons to go on with
    client.post("/api/chat", json={"text": "ยกเลิก"})
    assert client.get("/api/chat/history").get_json()["replies"][-1].get("type") != "notice"


def test_history_is_capped_and_deleted_once_the_session_expires(services):
    now = utcnow()
    for n in range(web_history.CAP):
        web_history.record(services, "web-a", f"ข้อความ {n}", [{"type": "text", "text": "ตอบ"}], now)
    kept = web_history.entries(services, "web-a", now)
    assert len(kept) == web_history.CAP and kept[-1]["text"] == "ตอบ" and kept[-2]["text"] == f"ข้อความ {n}"
    web_history.record(services, "web-b", "สวัสดี", [], now)
    later = now + web_history.ttl(services) + timedelta(minutes=1)
    assert web_history.entries(services, "web-a", later) == []
    from bot.housekeeping import purge

    assert purge(services.db, timedelta(days=30), later, history_ttl=web_history.ttl(services))[
        "web_chat_entry"] == 1  # web-b's, idle as long
    with services.db.session() as s:
        assert s.query(WebChatEntry).count() == 0

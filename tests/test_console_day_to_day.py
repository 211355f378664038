"""The console a staff member works in all day: the home page says what needs a person now, per role; the
live chat refreshes from small JSON endpoints, closes chats idle for a day with a word to the person, and
marks a LINE person's messages read when staff open the chat; LINE's loading animation while evidence is
fetched; LINE's monthly quota and the reply/push share; the audit log in Thai words; statistics months in
Thai; web-chat visitors get the announcements they missed. LINE calls go through line-bot-sdk to the fake
LINE server (tests/fakes/platform.py)."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from bot.complaints.models import Complaint
from bot.core.messages import Incoming
from bot.livechat.models import LiveChat
from tests.complaint_helpers import Person, code_in, push_texts
from tests.console_helpers import console_app, post, signed_in  # noqa: F401
from tests.fakes.platform import Response
from tests.test_channel_line import body, event, post_line

TUESDAY_10AM = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


def file_service_complaint(bot, user: str, details: str) -> str:
    p = Person(bot, user)
    for text in ("ร้องเรียนการให้บริการ", details, "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        p.says(text)
    return code_in(p.says("ยืนยันส่งเรื่อง"))


def needs(page: str) -> dict[str, int]:
    """The home page's counts, by the id of each (need-new, need-overdue, ...)."""
    return {m[1]: int(m[2]) for m in re.finditer(r'id="need-(\w+)"><a href="[^"]*"><span class="count">(\d+)<', page)}


def test_the_home_page_shows_what_needs_a_person_now_per_role(console_app, bot, services):
    old = file_service_complaint(bot, "U-home-1", "ขอเอกสารรับรองมาสามสัปดาห์ยังไม่ได้")
    file_service_complaint(bot, "U-home-2", "โทรไปไม่มีผู้รับสาย")
    code_in(Person(bot, "U-home-3").files_anonymous_corruption())  # no integrity target here: unrouted
    with services.db.session() as s:  # filed a month ago: past both deadlines
        s.execute(update(Complaint).where(Complaint.code == old)
                  .values(created_at=datetime.now(timezone.utc) - timedelta(days=30)))
    Person(bot, "U-home-4", now=datetime.now(timezone.utc)).says("ขอคุยกับเจ้าหน้าที่")
    bot.respond(Incoming("line", "U-home-5", text="รถโรงเรียนออกกี่โมงจากหน้าวัดท่าหลวง"))  # not answered

    staff = signed_in(console_app, "staff").get("/console/").get_data(as_text=True)
    assert needs(staff) == {"new": 2, "overdue": 1, "chats": 1, "unanswered": 1}
    assert staff.index('id="needs"') < staff.index("ผลการประเมิน ITA")  # the ITA charts come below
    assert 'href="/console/complaints/?overdue=1"' in staff and 'href="/console/live-chat/"' in staff
    integrity = signed_in(console_app, "integrity").get("/console/").get_data(as_text=True)
    assert needs(integrity) == {"new": 1, "overdue": 0, "unrouted": 1}  # no chats, no general cases
    admin = signed_in(console_app, "admin").get("/console/").get_data(as_text=True)
    assert needs(admin) == {"new": 3, "overdue": 1, "chats": 1, "unrouted": 1, "unanswered": 1}
    from bot.console import people
    from tests.console_helpers import PASSWORD

    people.create(services, "writer", "editor", PASSWORD)
    editor = signed_in(console_app, "writer").get("/console/").get_data(as_text=True)
    assert needs(editor) == {} and 'id="needs"' not in editor  # content editors work no cases


def line_text(text: str, user: str, token: str) -> dict:
    return event("message", source={"type": "user", "userId": user},
                 message={"type": "text", "id": "46878957789826", "quoteToken": "q", "text": text,
                          "markAsReadToken": token})


def test_staff_opening_a_line_chat_mark_it_read_and_the_page_refreshes_from_json(console_app, services, line_api):
    from tests.conftest import SettledClient

    console_app.test_client_class = SettledClient
    line = console_app.test_client()
    user = "U0123456789abcdef0123456789abcdef"
    assert post_line(line, body(line_text("ขอคุยกับเจ้าหน้าที่", user, "read-token-1"))).status_code == 200
    post_line(line, body(line_text("สอบถามเรื่องการย้ายครูค่ะ", user, "read-token-2")))

    staff = signed_in(console_app, "staff")
    state = staff.get("/console/live-chat/state.json").get_json()
    assert state["waiting"] == 1 and state["chats"][0]["last"][-1]["text"] == "สอบถามเรื่องการย้ายครูค่ะ"
    assert "รอเจ้าหน้าที่ 1 คน" in staff.get("/console/live-chat/").get_data(as_text=True)
    chat_url = state["chats"][0]["url"]
    assert not line_api.calls("POST", r"/v2/bot/chat/markAsRead$")
    staff.get(chat_url)
    marks = line_api.calls("POST", r"/v2/bot/chat/markAsRead$")
    assert [m.json for m in marks] == [{"markAsReadToken": "read-token-2"}]  # the latest: all before it too
    staff.get(chat_url)
    assert len(line_api.calls("POST", r"/v2/bot/chat/markAsRead$")) == 1  # nothing new to mark

    post(staff, chat_url + "/take", follow_redirects=True)  # to the chat, as the browser goes
    loading = line_api.wait_for("POST", r"/v2/bot/chat/loading/start$")  # a person is answering
    assert loading[0].json == {"chatId": user, "loadingSeconds": 60}
    after = staff.get(chat_url + "/messages.json?after=0").get_json()["messages"][-1]["id"]
    post_line(line, body(line_text("ต้องใช้เอกสารอะไรบ้างคะ", user, "read-token-3")))
    new = staff.get(f"{chat_url}/messages.json?after={after}").get_json()
    assert [m["text"] for m in new["messages"]] == ["ต้องใช้เอกสารอะไรบ้างคะ"] and new["status_th"] == "เจ้าหน้าที่กำลังตอบ"
    assert line_api.calls("POST", r"/v2/bot/chat/markAsRead$")[-1].json == {"markAsReadToken": "read-token-3"}
    assert signed_in(console_app, "integrity").get("/console/live-chat/state.json").status_code == 403


def test_chats_idle_for_a_day_close_themselves_with_a_word_to_the_person(bot, services, line_api):
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.broadcasts.clock import build
    from bot.livechat.idle import JOB, close_idle

    Person(bot, "U-idle-1", now=TUESDAY_10AM).says("ขอคุยกับเจ้าหน้าที่")
    Person(bot, "U-idle-2", now=TUESDAY_10AM + timedelta(hours=20)).says("ขอคุยกับเจ้าหน้าที่")
    assert close_idle(services, TUESDAY_10AM + timedelta(hours=25)) == 1
    with services.db.session() as s:
        status = dict(s.execute(select(LiveChat.user_id, LiveChat.status)).all())
    assert status == {"U-idle-1": "closed", "U-idle-2": "waiting"}
    told = push_texts(line_api, "U-idle-1")
    assert "ปิดแล้ว" in told and "24 ชั่วโมง" in told and not push_texts(line_api, "U-idle-2")
    scheduler = build(services, BackgroundScheduler)
    assert scheduler.get_job(JOB, jobstore="memory") is not None  # the clock runs it


def test_line_shows_its_loading_animation_while_evidence_is_fetched(bot, line_api):
    reporter = Person(bot, "U0000000000000000000000000000load")
    reporter.says("แจ้งทุจริต")
    reporter.says("เจ้าหน้าที่เรียกรับเงิน 5,000 บาท เพื่อเร่งเรื่องย้าย")
    reporter.says("เสร็จแล้ว")
    reporter.sends_image()
    calls = line_api.wait_for("POST", r"/v2/bot/chat/loading/start$")
    assert calls[0].json["chatId"] == "U0000000000000000000000000000load" and calls[0].json["loadingSeconds"] == 20


def test_the_console_shows_line_quota_and_warns_before_a_broadcast_passes_it(console_app, services, line_api):
    from bot.channels import audience

    staff = signed_in(console_app, "staff")
    page = staff.get("/console/line-quota/").get_data(as_text=True)
    assert "300 ข้อความ" in page and "120 ข้อความ" in page and "180 ข้อความ" in page  # fake LINE: 300, 120 used
    if datetime.now(timezone(timedelta(hours=7))).day > 1:  # LINE counts the days before today
        assert 'id="reply-percent">75%' in page  # 90 by reply, 30 by push a day
    for n in range(200):
        audience.followed(services, "line", f"U-quota-{n:03d}")
    post(staff, "/console/broadcasts/", {"text": "ประชุมผู้ปกครอง", "repeat": "daily", "at_hh": "9", "at_mm": "0",
                                         "channel_line": "on"})
    detail = staff.get("/console/broadcasts/1").get_data(as_text=True)
    assert "เหลือ 180 ข้อความ แต่ประกาศนี้จะส่งถึง 200 คน" in detail
    assert "เหลือ 180 ข้อความ" in post(staff, "/console/broadcasts/1/send-now").get_data(as_text=True)
    line_api.script("GET", r"^/v2/bot/message/quota$", Response(200, {"type": "none"}))
    unlimited = staff.get("/console/line-quota/").get_data(as_text=True)
    assert "ไม่จำกัด" in unlimited


def test_an_all_friends_broadcast_counts_the_friends_line_knows_not_only_those_recorded(console_app, line_api):
    line_api.script("GET", r"^/v2/bot/insight/followers", Response(200, {"status": "ready", "followers": 260,
                                                                         "blocks": 10, "targetedReaches": 200}))
    staff = signed_in(console_app, "staff")
    post(staff, "/console/broadcasts/", {"text": "ประชุมผู้ปกครอง", "repeat": "daily", "at_hh": "9", "at_mm": "0",
                                         "channel_line": "on"})
    detail = staff.get("/console/broadcasts/1").get_data(as_text=True)
    assert "เพื่อนทุกคนของบัญชี (บันทึกไว้ 0 คน) · สถิติของ LINE เมื่อวาน 250 คน" in detail
    assert 'id="send-now" disabled' not in detail  # LINE's friends are reached though none is recorded yet
    assert "เหลือ 180 ข้อความ แต่ประกาศนี้จะส่งถึง 250 คน" in detail
    day = line_api.calls("GET", r"^/v2/bot/insight/followers")[0].query["date"][0]
    assert day == (datetime.now(timezone(timedelta(hours=7))) - timedelta(days=1)).strftime("%Y%m%d")


def test_the_audit_log_says_in_thai_what_was_done_to_what(console_app, bot, services, line_api):
    code = file_service_complaint(bot, "U-audit-1", "โทรไปไม่มีผู้รับสาย")
    admin = signed_in(console_app, "admin")
    post(admin, f"/console/complaints/{code}/status", {"status": "in_progress", "note": "กำลังตรวจสอบ"})
    admin.get("/console/evidence?fiscal_year=2569&format=csv")
    page = admin.get("/console/audit").get_data(as_text=True)
    assert f"เปลี่ยนสถานะเรื่อง {code} เป็น อยู่ระหว่างดำเนินการ" in page
    assert "ส่งออกชุดหลักฐาน ITA CSV ช่วง 1 ตุลาคม 2568 – 30 กันยายน 2569" in page
    assert "เข้าสู่ระบบ" in page and "complaint_status" not in page and "in_progress" not in page


def test_statistics_months_are_thai_month_names_with_be_years(console_app, bot):
    file_service_complaint(bot, "U-stats-1", "โทรไปไม่มีผู้รับสาย")
    page = signed_in(console_app, "staff").get("/console/stats").get_data(as_text=True)
    months = page.split("รายเดือน")[1].split("ตามประเภท")[0]
    now = datetime.now(timezone(timedelta(hours=7)))
    from bot.thaitime import THAI_MONTHS
    assert f"{THAI_MONTHS[now.month - 1]} {now.year + 543}" in months and f"{now:%Y-%m}" not in months


def test_the_evidence_pack_takes_its_custom_range_from_the_thai_date_picker(console_app):
    admin = signed_in(console_app, "admin")
    page = admin.get("/console/evidence?fiscal_year=2569").get_data(as_text=True)
    assert 'name="from_y"' in page and 'name="to_m"' in page and 'name="from"' not in page
    csv = admin.get("/console/evidence?fiscal_year=2569&from_d=1&from_m=10&from_y=2568&to_d=31&to_m=3&to_y=2569"
                    "&format=csv").get_data(as_text=True)
    assert "1 ตุลาคม 2568" in csv and "31 มีนาคม 2569" in csv


def test_web_chat_visitors_get_the_announcements_they_missed_when_they_come_back(console_app, services):
    from bot.broadcasts import service
    from bot.broadcasts.models import Broadcast
    from bot.broadcasts.validate import Draft
    from bot.channels import web_announcements

    now = datetime.now(timezone.utc)
    for title, sent in (("ประชุมผู้ปกครอง", now - timedelta(days=1)), ("ข่าวเก่า", now - timedelta(days=30))):
        b = service.create(services, Draft(text=f"{title} รายละเอียด", title=title, run_at=now + timedelta(days=1)),
                           now)
        with services.db.session() as s:
            s.execute(update(Broadcast).where(Broadcast.id == b.id).values(status="sent", sent_at=sent))
    web_announcements.forget_cache()
    visitor = console_app.test_client()
    visitor.post("/api/chat", json={"text": "สวัสดี"})
    first = visitor.get("/api/chat/inbox").get_json()["replies"]
    texts = [r["text"] for r in first]
    assert len(texts) == 1 and "ประชุมผู้ปกครอง" in texts[0] and "ประชุมผู้ปกครอง รายละเอียด" in texts[0]
    assert visitor.get("/api/chat/inbox").get_json()["replies"] == []  # once per conversation
    history = json.dumps(visitor.get("/api/chat/history").get_json(), ensure_ascii=False)
    assert "ประชุมผู้ปกครอง รายละเอียด" in history and "ข่าวเก่า" not in history  # shown, kept with the chat


def test_migration_0014_matches_the_models(sqlite_template):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from bot.storage.registry import metadata

    engine = create_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert [d for d in diff if any(t in repr(d) for t in ("broadcast_image", "live_chat_message"))] == []


def test_an_announcement_picture_is_uploaded_cleaned_of_its_exif_and_served_by_the_app(settings, services, line_api):
    import io

    from app import create_app
    from bot.broadcasts import service
    from bot.console import people
    from tests.console_helpers import PASSWORD, SECRET_KEY, log_in
    from tests.test_reporter_protection import MAKE, gps_jpeg

    people.create(services, "admin", "admin", PASSWORD)
    app = create_app(settings.replace(secret_key=SECRET_KEY, public_base_url="https://bot.example.go.th"), services)
    admin = app.test_client()
    log_in(admin)
    form = {"title": "กีฬาสีประจำปี", "text": "ภาพบรรยากาศกีฬาสี", "repeat": "daily", "repeat_hh": "8",
            "repeat_mm": "0", "channel_line": "on", "topics": ["กีฬาสี", "ลูกเสือ"], "other_topics": "สุขภาพ"}
    import random

    from PIL import Image

    noise = Image.frombytes("RGB", (1000, 1000), random.Random(7).randbytes(3_000_000))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=98, exif=Image.open(io.BytesIO(gps_jpeg())).getexif())
    photo = out.getvalue()  # a phone photo's size, past the app's 1 MB body limit, with GPS and the camera
    assert len(photo) > 1_000_000 and 0x8825 in Image.open(io.BytesIO(photo)).getexif() and MAKE.encode() in photo
    made = post(admin, "/console/broadcasts/", {**form, "image": (io.BytesIO(photo), "sport.jpg")},
                content_type="multipart/form-data")
    assert made.status_code == 302, made.get_data(as_text=True)
    b = service.get(services, 1)
    assert b.topics == ["กีฬาสี", "ลูกเสือ", "สุขภาพ"] and b.cron == "0 8 * * *"
    assert b.image_url.startswith("https://bot.example.go.th/media/announcements/") and b.image_url.endswith(".jpg")
    served = app.test_client().get(b.image_url.removeprefix("https://bot.example.go.th"))  # no sign-in: LINE fetches it
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(served.data)).getexif() and MAKE.encode() not in served.data

    refused = post(admin, "/console/broadcasts/", {**form, "image": (io.BytesIO(b"%PDF-1.4 not a picture"), "x.pdf")},
                   content_type="multipart/form-data")
    assert refused.status_code == 400 and "รับเฉพาะรูปภาพ JPEG หรือ PNG" in refused.get_data(as_text=True)
    assert app.test_client().get("/media/announcements/" + "0" * 32 + ".jpg").status_code == 404

"""Issue 11: a corruption reporter stays protected — from the general staff group, from what a photo
carries, from floods, from logs and from being linked by the database — and retention really removes."""
from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text

from bot.channels import web_inbox
from bot.channels.media import allowed_url
from bot.channels.web_models import WebInboxMessage
from bot.complaints import alerts, notifier, service
from bot.outbox.worker import deliver_due
from bot.complaints import content as cc
from bot.complaints.models import Complaint, ComplaintContact, ComplaintReporter, Evidence
from bot.outbox.models import OutboxMessage
from bot.complaints.purge import purge_personal_data
from bot.storage import utcnow
from bot.storage.models import ConversationState, Follower
from tests.complaint_helpers import (LineUser, Person, code_in, pushes_to, push_texts, said, smtp,  # noqa: F401
                                     wait_idle, without_web_floodgate)
from tests.conftest import LINE_SECRET
from tests.fakes.platform import Response, tiny_jpeg

GENERAL = "Cgeneralstaffgroup00000000000001"
INTEGRITY = "Cintegrityunitgroup0000000000001"
GENERAL_MAIL, INTEGRITY_MAIL = "saraban@sesaop.example", "integrity@sesaop.example"
DETAILS = "รองผู้อำนวยการเรียกรับเงินค่าบรรจุครู 50,000 บาทที่ร้านกาแฟหน้าเขต"
REPORTER = "U0c8f1d2e3a4b5c6d7e8f9a0b1c2d3e4f"
OWNER, MAKE, MODEL = "Somchai Jaidee", "Canon", "EOS 5D Mark IV"


@pytest.fixture
def settings(settings, smtp):
    """General staff targets set, the integrity unit's not: the situation in which reports used to leak."""
    return settings.replace(staff_line_targets=(GENERAL,), smtp_url=smtp.url, alert_emails=(GENERAL_MAIL,))


def with_integrity(services) -> None:
    services.settings = services.settings.replace(integrity_line_targets=(INTEGRITY,),
                                                  integrity_alert_emails=(INTEGRITY_MAIL,))


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0xA430], exif[0x0112] = MAKE, MODEL, OWNER, 6  # make, model, owner, rotated
    exif.get_ifd(0x8825).update({1: "N", 2: (16.0, 26.0, 31.5), 3: "E", 4: (100.0, 20.0, 7.2)})
    data = tiny_jpeg((200, 40, 40), exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the fixture really carries GPS
    return data


def file_service_complaint(bot, user: str, now=None) -> str:
    p = Person(bot, user, now=now)
    for t in ("อยากร้องเรียน", "การให้บริการ", "ยื่นเรื่องขอหนังสือรับรองไปหนึ่งเดือนยังไม่ได้", "เสร็จแล้ว", "ข้าม",
              "ไม่ระบุตัวตน"):
        p.says(t)
    return code_in(p.says("ยืนยันส่งเรื่อง"))


# --- the report reaches only the integrity unit ------------------------------------------------------------
def test_corruption_reports_never_fall_back_to_general_staff_and_wait_unrouted(bot, services, line_api, smtp,
                                                                            caplog):
    from app import create_app

    with caplog.at_level(logging.WARNING):
        create_app(services.settings, services)
    assert "INTEGRITY_LINE_TARGETS" in caplog.text and "corruption reports reach nobody" in caplog.text

    code = code_in(Person(bot, "U-whistle").files_anonymous_corruption(DETAILS, image=False))
    other = file_service_complaint(bot, "U-citizen")
    wait_idle(services)
    general = push_texts(line_api, GENERAL)
    assert other in general and code not in general
    with services.db.session() as s:
        assert [c.code for c in alerts.unrouted_corruption_reports(s, services)] == [code]
        queued = s.scalars(select(OutboxMessage).where(OutboxMessage.ref == code)).all()
        assert [(m.channel, m.purpose) for m in queued] == [("reporter", "receipt")]  # only the reporter's own code
    [mail] = smtp.wait_for(1)
    assert mail.recipients == [GENERAL_MAIL] and other in mail.subject and code not in str(mail.data)
    assert "หนึ่งเดือน" in mail.body  # e-mail may carry the details of a non-corruption complaint
    assert "หนึ่งเดือน" not in general and f"/console/complaints/{other}" in general  # a LINE group: never


def test_the_worker_warns_on_start_when_corruption_reports_have_no_target(settings, monkeypatch, caplog):
    from bot.cli import main

    for key, value in {"DATABASE_URL": settings.database_url, "CONTENT_DIR": str(settings.content_dir),
                       "STAFF_LINE_TARGETS": GENERAL, "INTEGRITY_LINE_TARGETS": "",
                       "INTEGRITY_ALERT_EMAILS": ""}.items():
        monkeypatch.setenv(key, value)
    with caplog.at_level(logging.WARNING):
        assert main(["outbox", "run", "--once"]) == 0
    assert "corruption reports reach nobody" in caplog.text
    caplog.clear()
    monkeypatch.setenv("INTEGRITY_LINE_TARGETS", INTEGRITY)
    with caplog.at_level(logging.WARNING):
        main(["outbox", "run", "--once"])
    assert "reach nobody" not in caplog.text


def test_with_integrity_targets_only_they_get_a_report_and_no_details(bot, services, line_api, smtp):
    with_integrity(services)
    code = code_in(Person(bot, "U-whistle").files_anonymous_corruption(DETAILS))
    wait_idle(services)
    assert pushes_to(line_api, GENERAL) == []
    alert = push_texts(line_api, INTEGRITY)
    assert code in alert and "ทุจริต/ประพฤติมิชอบ" in alert and "เวลา:" in alert
    assert f"/console/complaints/{code}" in alert and "50,000" not in alert and "ไฟล์" not in alert
    [mail] = smtp.wait_for(1)
    assert mail.recipients == [INTEGRITY_MAIL] and code in mail.subject and "50,000" not in str(mail.data)


# --- the evidence does not reveal the reporter -------------------------------------------------------------
def test_a_gps_tagged_photo_is_stored_without_gps_or_camera_tags(bot, services, line_api):
    line_api.script("GET", r"^/v2/bot/message/gps-1/content$", Response(200, gps_jpeg(), "image/jpeg"))
    p = Person(bot, "U-photo")
    p.says("แจ้งทุจริต")
    p.says(DETAILS)
    p.says("เสร็จแล้ว")
    assert "1/5" in said(p.sends_image("gps-1"))
    with services.db.session() as s:
        [ev] = s.scalars(select(Evidence)).all()
    stored = (Path(services.settings.evidence_dir) / ev.path).read_bytes()
    for tag in (OWNER, MAKE, MODEL):
        assert tag.encode() not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == "JPEG" and picture.size == (8, 8)
        exif = picture.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0110 not in exif
        assert "icc_profile" not in picture.info and "comment" not in picture.info
    assert not ev.may_carry_metadata


def test_pdf_metadata_is_stripped_and_video_is_flagged_for_staff(bot, services, line_api):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": OWNER, "/Creator": "Scanner of " + OWNER})
    buf = io.BytesIO()
    writer.write(buf)
    line_api.script("GET", r"^/v2/bot/message/pdf-1/content$", Response(200, buf.getvalue(), "application/pdf"))
    line_api.script("GET", r"^/v2/bot/message/vid-1/content$",
                    Response(200, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "video/mp4"))
    p = Person(bot, "U-files")
    p.says("แจ้งทุจริต")
    p.says(DETAILS)
    p.says("เสร็จแล้ว")
    p.sends_image("pdf-1", kind="file", mime="application/pdf")
    p.sends_image("vid-1", kind="video", mime="video/mp4")
    p.says("เสร็จแล้ว")
    p.says("ไม่ระบุตัวตน")
    code = code_in(p.says("ยืนยันส่งเรื่อง"))
    with services.db.session() as s:
        view = service.staff_view(services, service.load(s, code), full=True)
    pdf, video = view["evidence"]
    assert pdf["mime"] == "application/pdf" and not pdf["may_carry_metadata"]
    stored = Path(pdf["file"]).read_bytes()
    assert OWNER.encode() not in stored and len(PdfReader(io.BytesIO(stored)).pages) == 1
    assert video["mime"] == "video/mp4" and video["may_carry_metadata"]  # the console tells staff


def test_messenger_attachments_come_only_from_the_platforms_hosts(bot, services, facebook_api):
    s = services.settings
    assert allowed_url(s, "https://scontent.xx.fbcdn.net/v/t1/photo.jpg")
    assert not allowed_url(s, "http://scontent.xx.fbcdn.net/photo.jpg")  # https only
    assert not allowed_url(s, "https://fbcdn.net.evil.example/photo.jpg")
    assert not allowed_url(s, "https://user:pw@cdn.fbsbx.com/x")
    port = facebook_api.url.rsplit(":", 1)[1]
    facebook_api.script("GET", r"^/cdn/moved.jpg$",
                        Response(302, b"", headers={"Location": f"http://localhost:{port}/steal.jpg"}))
    p = Person(bot, "psid-hosts", channel="facebook")
    p.says("แจ้งทุจริต")
    p.says(DETAILS)
    p.says("เสร็จแล้ว")
    refused = said(p.sends_image("https://169.254.169.254/latest/meta-data"))
    moved = said(p.sends_image(f"{facebook_api.url}/cdn/moved.jpg"))
    assert "ดึงไฟล์นี้จากระบบไม่สำเร็จ" in refused and "ดึงไฟล์นี้จากระบบไม่สำเร็จ" in moved
    assert facebook_api.calls("GET", r"^/cdn/moved.jpg$") and not facebook_api.calls("GET", r"steal")


def test_line_content_over_the_limit_is_refused_and_nothing_is_kept(bot, services, line_api):
    content = cc.of(services)
    services.complaints_content = content.model_copy(
        update={"limits": content.limits.model_copy(update={"evidence_bytes": 4096})})
    line_api.script("GET", r"^/v2/bot/message/big-1/content$", Response(200, b"\xff\xd8\xff" + b"\0" * 200_000,
                                                                         "image/jpeg"))
    p = Person(bot, "U-big")
    p.says("แจ้งทุจริต")
    p.says(DETAILS)
    p.says("เสร็จแล้ว")
    assert "ใหญ่เกิน" in said(p.sends_image("big-1"))
    assert not list(Path(services.settings.evidence_dir).glob("*/*"))


# --- no flood reaches staff ---------------------------------------------------------------------------------
def test_public_endpoints_answer_429_in_thai_per_address_and_globally(services, content):
    from app import create_app

    services.settings = services.settings.replace(rate_limit_per_address="3 per minute")
    client = create_app(services.settings, services).test_client()
    answers = [client.post("/api/chat", json={"text": "สวัสดี"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].get_json()["error"] == content.say("too_many_requests") and answers[-1].headers["Retry-After"]
    assert answers[0].headers["Cache-Control"] == "no-store" and answers[0].headers["Referrer-Policy"]

    services.settings = services.settings.replace(rate_limit_per_address="100 per minute",
                                                  rate_limit_global="2 per minute")
    client = create_app(services.settings, services).test_client()
    codes = [client.post("/webhooks/line", data=b"{}", headers={"X-Line-Signature": "x"},
                         environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(3)]
    assert codes == [400, 400, 429]  # three addresses, one global limit
    assert client.get("/healthz").status_code == 200  # not a public endpoint: never limited


def test_signed_line_webhooks_are_never_limited_and_leave_the_others_to_everyone_else(services):
    """Many real LINE users at once must not get 429s from the limits meant for anonymous floods, nor use up
    the web chat's share; a bad signature is still counted as anonymous."""
    from app import create_app
    from tests.test_channel_fixtures import line_signature

    services.settings = services.settings.replace(rate_limit_per_address="100 per minute",
                                                  rate_limit_webhook_per_address="2 per minute",
                                                  rate_limit_global="3 per minute")
    client = create_app(services.settings, services).test_client()
    body = b'{"events": []}'

    def line(signature: str) -> int:
        return client.post("/webhooks/line", data=body, headers={"X-Line-Signature": signature}).status_code

    assert [line(line_signature(body)) for _ in range(10)] == [200] * 10  # one address, far past its 2
    assert client.post("/api/chat", json={"text": "สวัสดี"}).status_code == 200  # the global 3 untouched
    assert [line("x"), line(line_signature(body + b" "))] == [400, 400]
    assert line("x") == 429  # wrongly signed: the webhook's per-address limit (2), as before


def web_file(app) -> str:
    client = app.test_client()  # a fresh visitor: new session, new id
    answer = ""
    for t in ("อยากร้องเรียน", "การให้บริการ", "เจ้าหน้าที่ไม่รับโทรศัพท์", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน",
              "ยืนยันส่งเรื่อง"):
        answer = " ".join(r["text"] for r in client.post("/api/chat", json={"text": t}).get_json()["replies"])
    return answer


def test_web_complaints_need_presence_and_are_limited_per_address(app, services):
    assert "กรุณาอ่านสรุปเรื่องด้านบนให้ครบก่อน" in web_file(app)  # confirmed at machine speed
    with services.db.session() as s:
        assert s.scalars(select(Complaint)).all() == []
    without_web_floodgate(services, per_address=2)
    results = [web_file(app) for _ in range(3)]
    assert "รหัสติดตามเรื่อง" in results[0] and "รหัสติดตามเรื่อง" in results[1]
    assert "จำนวนสูงสุดต่อวัน" in results[2]
    with services.db.session() as s:
        assert len(s.scalars(select(Complaint)).all()) == 2


def test_staff_alerts_beyond_the_hourly_number_become_one_digest(bot, services, line_api):
    content = cc.of(services)
    services.complaints_content = content.model_copy(
        update={"limits": content.limits.model_copy(update={"alerts_per_hour": 2})})
    t0 = utcnow() + timedelta(days=1)  # later than now: the background sender leaves these for us
    codes = [file_service_complaint(bot, f"U-flood-{n}", now=t0 + timedelta(seconds=n)) for n in range(4)]
    with services.db.session() as s:
        singles = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == "line",
                                                        OutboxMessage.purpose == "staff_alert")
                             .order_by(OutboxMessage.id)).all()
        [digest] = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == "line",
                                                         OutboxMessage.purpose == "staff_digest")).all()
        held = s.scalars(select(OutboxMessage.ref).where(OutboxMessage.channel == "line",
                                                         OutboxMessage.purpose == "staff_digest_item")
                          .order_by(OutboxMessage.id)).all()
    assert [r.ref for r in singles] == codes[:2] and held == codes[2:]
    assert digest.next_attempt_at == t0 + timedelta(hours=1)
    wait_idle(services)
    deliver_due(services, t0 + timedelta(minutes=5))
    assert push_texts(line_api, GENERAL).count("เรื่องร้องเรียนใหม่ ") == 2  # the digest is not due yet
    deliver_due(services, t0 + timedelta(hours=1, seconds=1))
    sent = push_texts(line_api, GENERAL)
    assert "อีก 2 เรื่อง" in sent and codes[2] in sent and codes[3] in sent
    assert push_texts(line_api, GENERAL).count("อีก 2 เรื่อง") == 1  # one digest, held codes never alone


# --- nothing personal in logs or linkable in the database ---------------------------------------------------
def test_a_failed_save_logs_no_details(bot, services, monkeypatch, caplog):
    def broken_link(services_, session, complaint, channel, user_id, now):
        session.execute(text("INSERT INTO no_such_table (a, b) VALUES (:details, :who)"),
                        {"details": complaint.details, "who": user_id})

    monkeypatch.setattr(notifier, "link", broken_link)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    p = Person(bot, REPORTER)
    turn = p.files_anonymous_corruption(DETAILS, image=False)
    assert "บันทึกเรื่องไม่สำเร็จ" in said(turn)
    logged = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "filing a complaint failed" in logged
    assert "50,000" not in logged and REPORTER not in logged
    assert services.db.engine.hide_parameters


def test_nothing_left_links_an_anonymous_report_to_its_account(bot, services):
    without_web_floodgate(services)
    p = Person(bot, "web-visitor-abcdefghijklmnop", channel="web")
    code = code_in(p.files_anonymous_corruption(DETAILS, image=False))
    with services.db.session() as s:
        complaint = service.load(s, code)
        assert s.get(ConversationState, ("web", p.user_id)) is None  # the draft state is gone
        reporter, contact = s.get(ComplaintReporter, complaint.id), s.get(ComplaintContact, complaint.id)
        assert p.user_id not in reporter.account_hash and p.user_id not in contact.sealed
    columns = {c["name"] for c in sa_inspect(services.db.engine).get_columns("complaint_reporter")}
    assert columns == {"complaint_id", "account_hash", "created_at"}
    service.set_status(services, code, "in_progress", "รับไว้พิจารณา")
    deliver_due(services)
    assert code in str(web_inbox.collect(services, p.user_id))  # the notifier still reaches the reporter
    with services.db.session() as s:
        assert s.scalars(select(WebInboxMessage)).all() == []  # delivered rows are deleted


def test_my_codes_lists_this_accounts_complaints_only(bot, services):
    reporter = Person(bot, "U-mine")
    first = code_in(reporter.files_anonymous_corruption(DETAILS, image=False))
    second = file_service_complaint(bot, "U-mine")
    service.set_status(services, first, "in_progress")
    listed = reporter.says("รหัสของฉัน")
    text_ = said(listed)
    assert first in text_ and second in text_ and "อยู่ระหว่างดำเนินการ" in text_ and "รับเรื่องแล้ว" in text_
    assert {first, second} <= {q.text for r in listed.replies for q in r.quick_replies}
    stranger = said(Person(bot, "U-other").says("ติดตามเรื่อง"))
    assert first not in stranger and second not in stranger and "กรุณาพิมพ์หรือวางรหัส" in stranger


# --- retention that really removes --------------------------------------------------------------------------
def test_purge_removes_location_inbox_state_and_departed_followers(bot, services):
    without_web_floodgate(services)
    p = Person(bot, "web-retained-visitor-0001", channel="web")
    p.says("แจ้งทุจริต")
    p.says(DETAILS)
    p.says("เสร็จแล้ว")
    p.sends_location(16.4411, 100.3488, "ร้านกาแฟหน้าเขต")
    p.says("เสร็จแล้ว")
    p.says("ไม่ระบุตัวตน")
    code = code_in(p.says("ยืนยันส่งเรื่อง"))
    service.set_status(services, code, "resolved", "ดำเนินการทางวินัยแล้ว")
    deliver_due(services)
    p.says("สวัสดี")  # a conversation state again, under the reporter's id
    now = utcnow()
    with services.db.session() as s:
        s.add(Follower(channel="line", user_id="U-left-long-ago", active=False, followed_at=now - timedelta(days=900),
                       unfollowed_at=now - timedelta(days=800)))
        s.add(Follower(channel="line", user_id="U-still-here", active=True, followed_at=now - timedelta(days=900)))
    purged = purge_personal_data(services, timedelta(days=365), now=now + timedelta(days=400))
    assert purged.complaints == 1 and purged.followers == 1 and purged.account_rows >= 2
    with services.db.session() as s:
        c = service.load(s, code)
        assert c.location is None and c.purged_at is not None and c.details  # the record stays, anonymised
        assert s.get(ConversationState, ("web", p.user_id)) is None
        assert s.scalars(select(WebInboxMessage).where(WebInboxMessage.user_id == p.user_id)).all() == []
        assert {f.user_id for f in s.scalars(select(Follower))} == {"U-still-here"}


def test_both_purges_are_scheduled_daily_in_the_clock_process(services):
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.broadcasts.clock import build

    scheduler = build(services, BackgroundScheduler)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    retention = cc.of(services).retention
    for job_id, at in (("retention-personal-data", retention.personal_data_at),
                       ("retention-housekeeping", retention.housekeeping_at)):
        fields = {f.name: str(f) for f in jobs[job_id].trigger.fields}
        assert f"{fields['hour']}:{fields['minute']}" == f"{int(at[:2])}:{int(at[3:])}"
        assert str(jobs[job_id].trigger.timezone) == "Asia/Bangkok"


# --- done when ----------------------------------------------------------------------------------------------
def test_done_when_an_anonymous_gps_report_over_line_leaks_nowhere(app, client, services, line_api, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    line_api.script("GET", r"^/v2/bot/message/778899/content$", Response(200, gps_jpeg(), "image/jpeg"))
    reporter = LineUser(client, line_api, REPORTER, LINE_SECRET)
    for t in ("แจ้งทุจริต", DETAILS, "เสร็จแล้ว"):
        reporter.says(t)
    assert "1/5" in reporter.sends_image("778899")
    for t in ("เสร็จแล้ว", "ไม่ระบุตัวตน"):
        reporter.says(t)
    code = code_in(reporter.says("ยืนยันส่งเรื่อง"))
    wait_idle(services)

    assert pushes_to(line_api, GENERAL) == []  # nothing reached the general target
    assert not any(code in str(r.body) for r in line_api.calls("POST", r"/push$"))
    with services.db.session() as s:
        [ev] = s.scalars(select(Evidence)).all()
        follower = s.scalars(select(Follower).where(Follower.user_id == REPORTER)).one()
        assert s.get(ConversationState, ("line", REPORTER)) is None
    with Image.open(Path(services.settings.evidence_dir) / ev.path) as photo:
        assert not photo.getexif().get_ifd(0x8825) and photo.format == "JPEG"
    assert follower.last_message_at.minute == 0 and follower.last_message_at.second == 0

    records = caplog.records
    assert any(r.name.startswith("sqlalchemy") for r in records)  # SQL logging really was on
    for r in records:
        line = r.getMessage() + (r.exc_text or "")
        assert REPORTER not in line and "50,000" not in line and "ร้านกาแฟ" not in line, line

    other = LineUser(client, line_api, "U9d9d9d9d9d9d9d9d9d9d9d9d9d9d9d9d", LINE_SECRET)
    assert code not in other.says("รหัสของฉัน")
    elsewhere = other.says(code)  # the code shows its status to whoever holds it, and nothing of the report
    assert "รับเรื่องแล้ว" in elsewhere and "ทุจริต" not in elsewhere and "50,000" not in elsewhere
    assert "ร้านกาแฟ" not in elsewhere and REPORTER not in elsewhere
    assert code in reporter.says("รหัสของฉัน")


def test_a_web_complaint_is_not_held_back_while_the_shared_flood_store_is_down(services, caplog):
    """With RATE_LIMIT_STORAGE_URL naming a redis that does not answer, the per-address count cannot be
    read: the complaint is filed (and the fault logged), never refused or lost with an error."""
    import dataclasses

    from bot.complaints import floodgate
    from bot.core.origin import client_origin

    services.settings = dataclasses.replace(services.settings, rate_limit_storage_url="redis://127.0.0.1:9/0")
    services.web_floodgate = None
    token = client_origin.set("203.0.113.7")
    try:
        assert floodgate.refusal(services, "web", opened_at=None, now=utcnow()) is None
        floodgate.count_filed(services, "web")
    finally:
        client_origin.reset(token)
        services.web_floodgate = None
    assert "flood count unavailable" in caplog.text and "203.0.113.7" not in caplog.text

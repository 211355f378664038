"""The web chat as a reporter, a visitor of another site and a person waiting for staff use it, in Debian's
Chromium at phone width: a photo and a location attached from the page, the widget on another origin
keeping its visitor, a message typed while the page waits, and the live chat's header, acknowledgements
and end button. Screenshots in tests/artifacts/ are there to be looked at."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot.complaints.models import Complaint, Evidence
from tests.browser_helpers import assert_visible, browser, served, shot  # noqa: F401 (fixture)
from tests.complaint_helpers import without_web_floodgate
from tests.test_webchat_browser import ask, live_url, newest_reply  # noqa: F401 (fixture)
from tests.test_webchat_uploads import assert_no_exif, gps_photo

PHICHIT = {"latitude": 16.4419, "longitude": 100.3488}


def phone(browser, **options):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="th-TH", **options)
    return context, context.new_page()


def answered(chat, expect_text: str, what: str):
    """The newest reply says `expect_text` and is on screen, whole."""
    chat.locator("#typing").wait_for(state="detached", timeout=15_000)
    reply = newest_reply(chat)
    assert expect_text in reply.inner_text(), (what, reply.inner_text())
    assert_visible(reply, what)
    return reply


def test_an_anonymous_report_with_a_photo_and_a_location_attached_from_the_page(live_url, browser, services,
                                                                                  tmp_path):
    without_web_floodgate(services)
    photo = tmp_path / "IMG_20261203_101500.jpg"
    photo.write_bytes(gps_photo((800, 600)))
    context, chat = phone(browser, geolocation=PHICHIT, permissions=["geolocation"])
    try:
        chat.goto(f"{live_url}/chat")
        ask(chat, "ร้องเรียน/แจ้งทุจริต")
        ask(chat, "ทุจริต/ประพฤติมิชอบ")
        ask(chat, "มีเจ้าหน้าที่เรียกรับเงิน 5,000 บาท เพื่อเร่งเรื่องย้าย")
        ask(chat, "เสร็จแล้ว")
        answered(chat, "หลักฐาน", "evidence prompt")
        ask(chat, "จะส่งรูปยังไงคะ")  # a question in the middle: answered where the reporter is
        assert "คลิปหนีบกระดาษ" in chat.locator("#log").inner_text()
        shot(chat, "webchat-attach-0a-question")
        ask(chat, "เอ่อ ไม่แจ้งดีกว่า กลัวค่ะ")  # a moment of doubt: reassured, and offered to stop
        answered(chat, "ไม่ระบุตัวตน", "reassurance")
        shot(chat, "webchat-attach-0b-doubt")
        ask(chat, "ทำต่อ")
        answered(chat, "หลักฐาน", "evidence prompt again")
        chat.click("#attach")
        for item in chat.locator("#attach-menu button").all():
            assert item.is_visible() and item.bounding_box()["width"] > 200
        shot(chat, "webchat-attach-1-menu")
        with chat.expect_file_chooser() as chooser:  # the phone's gallery, or the computer's files
            chat.click("#attach-menu button[data-pick=file]")
        assert chooser.value.element.get_attribute("accept").split(",")[:5] == \
            ["image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"]  # the evidence rules
        chooser.value.set_files(str(photo))
        chat.locator(".msg.user", has_text="[ส่งรูปภาพ]").wait_for()
        answered(chat, "ได้รับหลักฐานแล้ว (1/5", "evidence saved")
        sent = chat.locator(".msg.user").last
        assert "[ส่งรูปภาพ]" in sent.inner_text() and sent.locator("img.thumb").count() == 1
        shot(chat, "webchat-attach-2-photo")
        chat.click("#attach")
        chat.click("#attach-menu button[data-pick=location]")
        chat.locator(".msg.user", has_text="[ส่งตำแหน่งที่อยู่ตอนนี้]").wait_for()  # once the browser gave it
        answered(chat, "บันทึกตำแหน่งที่เกิดเหตุแล้ว", "location saved")
        shot(chat, "webchat-attach-3-location")
        ask(chat, "เสร็จแล้ว")
        ask(chat, "ไม่ระบุตัวตน")
        summary = answered(chat, "สรุปเรื่องที่จะส่ง", "summary")
        shot(chat, "webchat-attach-4-summary")
        ask(chat, "ยืนยันส่งเรื่อง")
        filed = answered(chat, "รหัสติดตามเรื่อง", "tracking code")
        code = re.search(r"CR(-[0-9A-Z]{4}){4}", filed.inner_text()).group(0)
        shot(chat, "webchat-attach-5-filed")
    finally:
        context.close()
    assert summary
    with services.db.session() as s:
        complaint = s.scalar(select(Complaint).where(Complaint.code == code))
        [row] = s.scalars(select(Evidence).where(Evidence.complaint_id == complaint.id)).all()
        assert complaint.location["latitude"] == pytest.approx(PHICHIT["latitude"])
    stored = (Path(services.settings.evidence_dir) / row.path).read_bytes()
    assert_no_exif(stored)
    assert Image.open(io.BytesIO(stored)).size == (800, 600)


def host_site(widget_url: str):
    """A page of another site (a school's, say) that embeds the widget."""
    page = (f'<!doctype html><html lang="th"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>โรงเรียนตัวอย่าง</title></head><body>'
            f'<h1>เว็บไซต์โรงเรียนตัวอย่าง</h1><script src="{widget_url}" async></script></body></html>').encode()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))])
        return [page]

    return app


def test_the_widget_on_another_site_keeps_the_visitor_and_the_draft_across_reloads(live_url, browser):
    with served(host_site(f"{live_url}/chat/widget.js")) as host:
        host = host.replace("127.0.0.1", "localhost")  # another site than the chat's 127.0.0.1
        context, page = phone(browser)
        try:
            page.goto(host)
            page.locator("#office-chat-button").click()
            chat = page.frame_locator("#office-chat-panel iframe").locator("html")
            chat.locator(".msg.bot").first.wait_for()
            ask(chat, "ร้องเรียน/แจ้งทุจริต")
            ask(chat, "ทุจริต/ประพฤติมิชอบ")
            ask(chat, "ครูถูกเรียกเก็บเงินค่าย้ายโดยไม่มีใบเสร็จ")
            for reload in range(1, 4):
                page.reload()
                panel = page.locator("#office-chat-panel")
                if not panel.is_visible():
                    page.locator("#office-chat-button").click()
                notice = chat.locator("#log .notice").last
                notice.wait_for()
                assert "ยังไม่ได้ส่ง" in notice.inner_text(), reload
                assert "ครูถูกเรียกเก็บเงินค่าย้ายโดยไม่มีใบเสร็จ" in chat.locator("#log").inner_text()
                shot(page, f"widget-other-site-reload-{reload}")
            ask(chat, "เสร็จแล้ว")  # the draft goes on where it was left
            answered(chat, "หลักฐาน", "evidence prompt after three reloads")
            shot(page, "widget-other-site-continued")
        finally:
            context.close()


def test_a_message_typed_while_the_page_waits_for_an_answer_is_sent(live_url, browser, content):
    context, chat = phone(browser)
    try:
        held = []
        chat.route(f"{live_url}/api/chat", lambda route: held.append(route) if not held else route.continue_())
        chat.goto(f"{live_url}/chat")
        chat.locator(".msg.bot").first.wait_for()
        chat.fill("#text", "เบอร์โทรสำนักงาน")
        chat.press("#text", "Enter")
        chat.locator("#typing").wait_for()
        while not held:
            chat.wait_for_timeout(50)
        chat.fill("#text", "ขอหนังสือรับรองเงินเดือน")  # typed while the first answer is on its way
        chat.press("#text", "Enter")
        waiting = chat.locator(".msg.user.queued")
        assert waiting.count() == 1 and "รอส่ง" in waiting.inner_text()
        assert chat.input_value("#text") == ""
        shot(chat, "webchat-queued-1-waiting")
        held[0].continue_()
        chat.locator(".msg.user.queued").wait_for(state="detached")
        chat.locator("#typing").wait_for(state="detached", timeout=15_000)
        users = chat.locator(".msg.user").all_inner_texts()
        assert users == ["เบอร์โทรสำนักงาน", "ขอหนังสือรับรองเงินเดือน"]
        log = chat.locator("#log").inner_text()
        assert content.office.phone in log and log.index(content.office.phone) < log.rindex("ขอหนังสือรับรองเงินเดือน")
        answered(chat, "หนังสือรับรอง", "the queued message's answer")
        shot(chat, "webchat-queued-2-answered")
    finally:
        context.close()


def test_the_live_chat_header_acknowledgement_and_end_button(live_url, browser, services, content):
    from bot.livechat import service

    context, chat = phone(browser)
    try:
        chat.goto(f"{live_url}/chat")
        subtitle = chat.locator("#subtitle")
        automatic = subtitle.inner_text()
        assert automatic == content.say("webchat_subtitle") and chat.locator("#end-live").is_hidden()
        ask(chat, "ขอคุยกับเจ้าหน้าที่")
        answered(chat, "เจ้าหน้าที่", "handed over")
        assert subtitle.inner_text() != automatic and "เจ้าหน้าที่" in subtitle.inner_text()
        end = chat.locator("#end-live")
        assert end.inner_text() == "จบการสนทนากับเจ้าหน้าที่"
        assert_visible(end, "end button")
        assert_visible(subtitle, "live header")
        shot(chat, "webchat-live-1-handed-over")
        ask(chat, "สอบถามเรื่องการขอย้ายครูค่ะ")
        answered(chat, "ส่งถึงเจ้าหน้าที่แล้ว", "acknowledgement")
        shot(chat, "webchat-live-2-acknowledged")

        [chat_row] = service.waiting_and_held(services)
        assert service.take(services, chat_row.id, "staff")
        service.reply(services, chat_row.id, "staff", "ยื่นคำร้องขอย้ายได้ที่กลุ่มบริหารงานบุคคลค่ะ")
        chat.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # poll now, not in 8 seconds
        chat.locator(".msg.bot", has_text="ยื่นคำร้องขอย้าย").wait_for()
        chat.wait_for_function("() => document.getElementById('subtitle').textContent.includes('กำลังสนทนา')")
        assert_visible(newest_reply(chat), "staff answer")
        shot(chat, "webchat-live-3-staff")

        end.click()
        chat.locator(".msg.user", has_text="จบการสนทนา").wait_for()
        answered(chat, "จบการสนทนากับเจ้าหน้าที่แล้ว", "ended")
        assert subtitle.inner_text() == automatic and end.is_hidden()
        ask(chat, "เบอร์โทรสำนักงาน")
        answered(chat, content.office.phone, "the bot answers again")
        shot(chat, "webchat-live-4-back-to-the-bot")
    finally:
        context.close()


def test_a_link_carrying_someone_elses_token_does_not_open_their_chat(live_url, browser, app):
    """Only the framed chat takes a token from its fragment (the widget's hand-over): a link to the page with
    another visitor's token must not make whoever opens it talk, and report, as that visitor."""
    other = app.test_client()
    token = other.post("/api/chat", json={"text": "ขอหนังสือรับรองเงินเดือน"}).get_json()["token"]
    context, chat = phone(browser)
    try:
        chat.goto(f"{live_url}/chat#host=http://localhost:1&token={token}")
        chat.locator(".msg.bot").first.wait_for()
        assert "ยินดีต้อนรับ" in chat.locator("#log").inner_text()
        assert chat.locator(".msg.user").count() == 0 and "#" not in chat.url
    finally:
        context.close()

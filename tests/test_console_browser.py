"""The console as office staff use it, in Debian's Chromium at desktop (1280 px) and phone (360 px) width:
a complaint filed in the web chat is handled in the inbox (assign, internal note, status that reaches the
chat), a web chat is handed to a person whose reply arrives in the chat, an announcement is created with
the Thai date picker, previewed, confirmed and cancelled, and the evidence pack and what-if pages open.
Screenshots go to tests/artifacts/console-*.png and are meant to be looked at."""
from __future__ import annotations

import re

import pytest

from tests.complaint_helpers import settings, smtp, without_web_floodgate  # noqa: F401
from tests.console_helpers import console_app  # noqa: F401
from tests.console_helpers import sign_in_page as sign_in
from tests.browser_helpers import (ARTIFACTS, assert_visible, browser, fits_the_width,  # noqa: F401
                                    on_screen, served, shot)


@pytest.fixture
def live(console_app):
    with served(console_app) as url:
        yield url


def chat_says(page, text: str) -> None:
    from playwright.sync_api import expect

    page.fill("#text", text)
    page.click("#send")
    expect(page.locator(".msg.user").last).to_have_text(text)
    expect(page.locator("#typing")).to_have_count(0, timeout=10_000)


def test_staff_work_a_complaint_and_a_live_chat_from_the_web_chat(live, browser, services):
    from playwright.sync_api import expect

    without_web_floodgate(services)  # the robot confirms as soon as the summary is on screen

    citizen = browser.new_context(viewport={"width": 420, "height": 820}, locale="th-TH").new_page()
    citizen.goto(f"{live}/chat")
    for text in ("ร้องเรียนการให้บริการ", "ขอหนังสือรับรองมาสามสัปดาห์แล้วยังไม่ได้รับ", "เสร็จแล้ว", "ข้าม",
                 "ไม่ระบุตัวตน", "ยืนยันส่งเรื่อง"):
        chat_says(citizen, text)
    code = re.search(r"[A-Z]{1,4}-[0-9A-Z]{4}-[0-9A-Z]{4}", citizen.locator("#log").inner_text()).group(0)

    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH").new_page()
    sign_in(staff, live, "staff")
    staff.click("header >> text=เรื่องร้องเรียน")
    expect(staff.locator("#complaint-list")).to_contain_text(code)
    shot(staff, "console-inbox-1280")
    staff.click(f"text={code}")
    staff.select_option("select[name=assignee]", label="staff")
    staff.get_by_role("button", name="มอบหมาย", exact=True).click()
    expect(staff.locator(".flash")).to_contain_text("มอบหมายเรื่อง")
    staff.fill("textarea[name=text]", "โทรประสานกลุ่มบริหารงานบุคคลแล้ว")
    staff.get_by_role("button", name="เพิ่มบันทึกภายใน", exact=True).click()
    expect(staff.locator("#notes")).to_contain_text("โทรประสานกลุ่มบริหารงานบุคคลแล้ว")
    staff.select_option("select[name=status]", "in_progress")
    staff.fill("textarea[name=note]", "กำลังจัดทำหนังสือรับรองให้")
    staff.get_by_role("button", name="บันทึกสถานะและแจ้งผู้ร้อง", exact=True).click()
    expect(staff.locator(".flash")).to_contain_text("อยู่ระหว่างดำเนินการ")
    shot(staff, "console-complaint-1280")

    update = citizen.locator(".msg.bot", has_text="กำลังจัดทำหนังสือรับรองให้")
    expect(update).to_have_count(1, timeout=15_000)  # the status change reaches the chat
    assert_visible(update)
    assert "โทรประสาน" not in citizen.locator("#log").inner_text()  # the internal note never does

    chat_says(citizen, "ขอคุยกับเจ้าหน้าที่")
    chat_says(citizen, "ขอทราบว่าต้องใช้เอกสารอะไรเพิ่มไหม")
    staff.click("header >> text=แชทกับประชาชน")
    expect(staff.locator("#chats")).to_contain_text("ขอทราบว่าต้องใช้เอกสารอะไรเพิ่มไหม")
    staff.locator("#chats a").first.click()
    staff.get_by_role("button", name="รับการสนทนานี้", exact=True).click()
    staff.fill("textarea[name=text]", "ใช้สำเนาบัตรประชาชนเพิ่มหนึ่งฉบับ")
    staff.click("#send-reply")
    expect(staff.locator(".flash")).to_contain_text("ส่งคำตอบแล้ว")
    answer = citizen.locator(".msg.bot", has_text="ใช้สำเนาบัตรประชาชนเพิ่มหนึ่งฉบับ")
    expect(answer).to_have_count(1, timeout=15_000)
    assert_visible(answer)
    citizen.screenshot(path=str(ARTIFACTS / "console-webchat-staff-reply.png"), full_page=True)

    staff.set_viewport_size({"width": 360, "height": 780})
    staff.goto(f"{live}/console/complaints/")
    fits_the_width(staff)
    shot(staff, "console-inbox-360")


def test_announcement_evidence_and_what_if_at_phone_width(live, browser):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 360, "height": 780}, locale="th-TH").new_page()
    sign_in(page, live, "admin")
    page.goto(f"{live}/console/broadcasts/")
    page.fill("input[name=title]", "ประชุมผู้ปกครอง")
    page.fill("textarea[name=text]", "ขอเชิญผู้ปกครองประชุมที่หอประชุมสำนักงาน")
    years = page.locator("select[name=at_y] option").all_inner_texts()
    page.select_option("select[name=at_d]", "15")
    page.select_option("select[name=at_m]", label="มกราคม")
    page.select_option("select[name=at_y]", years[-1])  # Buddhist-era years
    page.select_option("select[name=at_hh]", "9")
    shot(page, "console-broadcast-form-360")
    page.get_by_role("button", name="บันทึกประกาศ", exact=True).click()
    expect(page.locator("#preview-line")).to_contain_text("ขอเชิญผู้ปกครองประชุม")
    expect(page.locator("body")).to_contain_text(f"15 มกราคม {years[-1]} 09:00 น.")
    fits_the_width(page)
    shot(page, "console-broadcast-preview-360")
    page.get_by_role("button", name="ยกเลิกประกาศ", exact=True).click()
    expect(page.locator("#confirm")).to_contain_text("เพื่อนทุกคนของบัญชี")
    page.get_by_role("button", name="ยืนยันยกเลิก", exact=True).click()
    expect(page.locator("#status")).to_have_text("ยกเลิกแล้ว")

    page.goto(f"{live}/console/evidence?fiscal_year=2569")
    expect(page.locator("#pack")).to_contain_text("ปีงบประมาณ พ.ศ. 2569")
    expect(page.locator("#pack-corruption")).to_contain_text("ไม่มีเรื่องร้องเรียน")
    fits_the_width(page)
    shot(page, "console-evidence-360")
    page.goto(f"{live}/console/what-if")
    first = page.locator("#whatif input").first
    first.fill("100")
    first.dispatch_event("change")
    page.wait_for_url(re.compile(r"i\d+=100"))
    expect(page.locator("#whatif-result")).to_contain_text("เดิม")
    fits_the_width(page)
    shot(page, "console-whatif-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "console-whatif-1280")


def test_home_page_per_role_and_the_phone_menu_at_360(live, browser, bot, services):
    from datetime import datetime, timezone

    from playwright.sync_api import expect

    from tests.complaint_helpers import Person, code_in

    code_in(Person(bot, "U-browser-home").files_anonymous_corruption())
    Person(bot, "U-browser-chat", now=datetime.now(timezone.utc)).says("ขอคุยกับเจ้าหน้าที่")
    page = browser.new_context(viewport={"width": 360, "height": 780}, locale="th-TH").new_page()
    sign_in(page, live, "staff")
    chats = page.locator("#need-chats")
    expect(chats).to_contain_text("1 ผู้ที่รอคุยกับเจ้าหน้าที่")
    on_screen(page, chats)
    expect(page.locator("#need-unrouted")).to_have_count(0)  # not the general staff's to see
    nav = page.locator("header nav a", has_text="ประกาศข่าว")
    expect(nav).to_be_hidden()  # folded on a phone
    header = page.locator("header").bounding_box()
    assert header["height"] < 780 / 4  # the menu no longer takes a quarter of the screen
    fits_the_width(page)
    shot(page, "console-home-staff-360")
    page.locator("header summary").click()
    expect(nav).to_be_visible()
    shot(page, "console-menu-open-360")
    nav.click()
    expect(page.locator("h1")).to_contain_text("ประกาศข่าว")

    integrity = browser.new_context(viewport={"width": 360, "height": 780}, locale="th-TH").new_page()
    sign_in(integrity, live, "integrity")
    expect(integrity.locator("#need-new")).to_contain_text("1 เรื่องร้องเรียนใหม่")
    expect(integrity.locator("#need-unrouted")).to_contain_text("0 เรื่องทุจริตที่ยังไม่ได้แจ้งใคร")  # routed here
    expect(integrity.locator("#need-chats")).to_have_count(0)
    integrity.locator("#need-new a").click()  # the count's link opens the list it counts
    assert "status=received" in integrity.url
    expect(integrity.locator("#complaint-list > li")).to_have_count(1)
    integrity.goto(f"{live}/console/")
    shot(integrity, "console-home-integrity-360")
    integrity.set_viewport_size({"width": 1280, "height": 900})
    expect(integrity.locator("header nav a", has_text="เรื่องร้องเรียน")).to_be_visible()  # always open when wide
    shot(integrity, "console-home-integrity-1280")


def test_assignment_at_360_offers_only_people_who_may_see_the_case(live, browser, bot):
    from playwright.sync_api import expect

    from tests.complaint_helpers import Person, code_in

    code = code_in(Person(bot, "U-browser-assign").files_anonymous_corruption())
    page = browser.new_context(viewport={"width": 360, "height": 780}, locale="th-TH").new_page()
    sign_in(page, live, "admin")
    page.goto(f"{live}/console/complaints/{code}")
    options = page.locator("select[name=assignee] option").all_inner_texts()
    assert "integrity" in options and "staff" not in options  # a corruption report: never general staff
    page.select_option("select[name=assignee]", label="integrity")
    button = page.get_by_role("button", name="มอบหมาย", exact=True)
    on_screen(page, button)
    button.click()
    expect(page.locator(".flash")).to_contain_text("มอบหมายเรื่อง")
    fits_the_width(page)
    shot(page, "console-assign-360")


def test_live_chat_refreshes_by_itself_at_360(console_app, live, browser, bot):
    from datetime import datetime, timezone

    from playwright.sync_api import expect

    from tests.complaint_helpers import Person

    console_app.config["LIVECHAT_POLL_SECONDS"] = 0.5  # the page's own poll, sooner than staff need it

    page = browser.new_context(viewport={"width": 360, "height": 780}, locale="th-TH").new_page()
    sign_in(page, live, "staff")
    page.goto(f"{live}/console/live-chat/")
    expect(page.locator("#waiting-count")).to_have_text("รอเจ้าหน้าที่ 0 คน")
    citizen = Person(bot, "U-browser-live", now=datetime.now(timezone.utc))
    citizen.says("ขอคุยกับเจ้าหน้าที่")
    citizen.says("ขอทราบกำหนดสอบครูผู้ช่วยค่ะ")
    expect(page.locator("#waiting-count")).to_have_text("รอเจ้าหน้าที่ 1 คน", timeout=15_000)  # no reload
    card = page.locator("#chats .card", has_text="ขอทราบกำหนดสอบครูผู้ช่วยค่ะ")
    expect(card).to_have_count(1)
    on_screen(page, card)
    shot(page, "console-livechat-list-360")
    card.locator("a").click()
    page.get_by_role("button", name="รับการสนทนานี้", exact=True).click()
    citizen.now = datetime.now(timezone.utc)
    citizen.says("สอบที่ไหนคะ")
    arrived = page.locator("#messages .card", has_text="สอบที่ไหนคะ")
    expect(arrived).to_have_count(1, timeout=15_000)  # appears in the open chat without reloading
    on_screen(page, arrived)
    fits_the_width(page)
    shot(page, "console-livechat-chat-360")


def test_broadcast_form_at_360_topics_repeats_and_disabled_buttons_with_reasons(live, browser):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 360, "height": 780}, locale="th-TH").new_page()
    sign_in(page, live, "admin")
    page.goto(f"{live}/console/broadcasts/")
    topics = page.locator("#topics input[type=checkbox]")
    assert topics.count() >= 3 and page.locator("input[name=topics]:not([type=checkbox])").count() == 0
    image = page.locator("#image")
    expect(image).to_be_disabled()  # no https PUBLIC_BASE_URL here: says why
    expect(page.locator("#image-reason")).to_contain_text("PUBLIC_BASE_URL")
    weekday = page.locator("#weekday-field")
    expect(weekday).to_be_hidden()
    expect(page.locator("#month-day-field")).to_be_hidden()
    page.select_option("#repeat", "weekly")
    expect(weekday).to_be_visible()
    expect(page.locator("select[name=at_d]")).to_be_hidden()  # a repeat needs no date
    page.select_option("select[name=weekday]", label="วันจันทร์")
    page.fill("input[name=title]", "ข่าวประจำสัปดาห์")
    page.fill("textarea[name=text]", "สรุปข่าวประจำสัปดาห์ของสำนักงาน")
    page.locator("#topics label", has_text="ประชุม").first.locator("input").check()
    fits_the_width(page)
    shot(page, "console-broadcast-form-topics-360")
    page.get_by_role("button", name="บันทึกประกาศ", exact=True).click()
    expect(page.locator("body")).to_contain_text("ส่งซ้ำทุกวันจันทร์")
    send = page.locator("#send-now")
    expect(send).to_be_disabled()  # nobody recorded to reach yet
    reason = page.locator("#send-reason")
    expect(reason).to_contain_text("ยังไม่มีผู้รับ")
    on_screen(page, reason)
    expect(page.locator("#cancel")).to_be_enabled()
    fits_the_width(page)
    shot(page, "console-broadcast-disabled-send-360")

"""The web chat as a person uses it: the real app on a local port, Debian's Chromium driven by Playwright.

See tests/browser_helpers.py for how Chromium is found; the screenshots in tests/artifacts/ are there to be
looked at: Thai must render as Thai, not boxes.
"""
from __future__ import annotations

import re

import pytest

from scoring import year_result
from scoring.summary import fmt
from tests.browser_helpers import ARTIFACTS, assert_visible, browser, chromium, served  # noqa: F401 (fixture)
from tests.complaint_helpers import without_web_floodgate
from tests.test_channel_fixtures import facebook_api, line_api  # noqa: F401 (fixtures)


@pytest.fixture
def live_url(app):
    with served(app) as url:
        yield url


@pytest.fixture
def page():
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 420, "height": 820}, locale="th-TH")
        yield context.new_page()
        context.close()


def test_asking_the_ita_score_in_the_web_chat(live_url, page, content):
    from playwright.sync_api import expect

    page.goto(f"{live_url}/chat")
    expect(page.locator(".msg.bot").first).to_contain_text("ยินดีต้อนรับ")
    expect(page.locator("#quick button").first).to_be_visible()
    page.fill("#text", "ITA ปี 2564 ได้กี่คะแนน")
    page.click("#send")
    expect(page.locator(".msg.user").last).to_have_text("ITA ปี 2564 ได้กี่คะแนน")
    expect(page.locator("#typing")).to_have_count(0, timeout=10_000)  # the answer has arrived
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat.png"), full_page=True)
    expect(page.locator("#log")).to_contain_text(fmt(year_result(content.ita, 2564).total))
    # a quick-reply button sends its text as the next question
    page.locator("#quick button").first.click()
    expect(page.locator(".msg.user")).to_have_count(2)


def test_widget_opens_the_chat_in_a_panel(live_url, page):
    page.goto(f"{live_url}/healthz")  # any page of the site; the widget is added to it
    page.add_script_tag(url=f"{live_url}/chat/widget.js")
    from playwright.sync_api import expect

    button = page.locator("#office-chat-button")
    expect(button).to_contain_text("แชทกับเรา")
    button.click()
    frame = page.frame_locator("#office-chat-panel iframe")
    expect(frame.locator(".msg.bot").first).to_contain_text("ยินดีต้อนรับ")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))




def ask(chat, text: str) -> None:
    """Type a message (or tap the quick reply with that label) and wait for the answer."""
    before = chat.locator(".msg.user").count()
    button = chat.locator("#quick button", has_text=text)
    if button.count() and button.first.inner_text().strip() == text:
        button.first.click()
    else:
        chat.locator("#text").fill(text)
        chat.locator("#send").click()
    chat.locator(".msg.user").nth(before).wait_for()
    chat.locator("#typing").wait_for(state="detached", timeout=15_000)


EIGHT_TURNS = ["สวัสดี", "ผล ITA ล่าสุด", "ข้อมูลติดต่อ", "คู่มือบริการ", "ขอหนังสือรับรองเงินเดือน", "ITA ปี 2563 ได้กี่คะแนน",
               "ข่าวล่าสุด", "ตัวชี้วัดไหนได้คะแนนต่ำสุด", "เบอร์โทรสำนักงาน", "ITA ปี 2564 ได้กี่คะแนน"]


def hold_a_long_conversation(chat, content, shot: str = "") -> None:
    phone, total = content.office.phone, fmt(year_result(content.ita, 2564).total)  # the office's: 056-990347, 93.23
    for text in EIGHT_TURNS:
        ask(chat, text)
        if shot and text == "ขอหนังสือรับรองเงินเดือน":  # a manual: one card, steps under their heading
            ARTIFACTS.mkdir(exist_ok=True)
            chat.screenshot(path=str(ARTIFACTS / f"{shot}-procedure.png"))
    assert chat.locator(".msg.user").count() == len(EIGHT_TURNS)
    log_box = chat.locator("#log").evaluate("(l) => ({scroll: l.scrollHeight, client: l.clientHeight})")
    assert log_box["scroll"] > 2 * log_box["client"]  # the history is much taller than the screen
    link = chat.locator("#log a.tel", has_text=phone).first  # tap to call, on one line
    assert link.get_attribute("href") == "tel:" + re.sub(r"\D", "", phone)
    phone = link
    assert phone.evaluate("(a) => a.getClientRects().length") == 1
    card = chat.locator("#log .card").last
    assert_visible(card, "the last ITA card")
    assert total in card.inner_text()
    chart = chat.locator("#log img.image-reply").last  # the trend picture beside the card, loaded
    chart.scroll_into_view_if_needed()
    chart.evaluate("(img) => img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; })")
    assert total in chart.get_attribute("alt") and chart.evaluate("(i) => i.naturalWidth") == 1200
    assert_visible(chart, "trend chart")
    card.scroll_into_view_if_needed()
    for earlier in chat.locator("#log .card").all():  # no card anywhere collapsed
        height = earlier.evaluate("(c) => [c.getBoundingClientRect().height, c.scrollHeight]")
        assert height[0] >= height[1] - 1 and height[0] > 40, height


def open_page(browser, width: int):
    height = 740 if width < 600 else 800
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    return context, context.new_page()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_last_card_of_a_long_conversation_is_visible(live_url, browser, width, content):
    context, chat = open_page(browser, width)
    try:
        chat.goto(f"{live_url}/chat")
        hold_a_long_conversation(chat, content, f"webchat-long-{width}")
        ARTIFACTS.mkdir(exist_ok=True)
        chat.screenshot(path=str(ARTIFACTS / f"webchat-long-{width}.png"))
        if width < 600:  # on a phone they scroll sideways, and a fading edge says so until the last is shown
            quick = chat.locator("#quick")
            assert "more-right" in quick.get_attribute("class")
            chat.locator("#quick button").last.scroll_into_view_if_needed()
            chat.wait_for_function("() => !document.getElementById('quick').classList.contains('more-right')")
            assert_visible(chat.locator("#quick button").last, "last quick reply")
        if width >= 600:  # every quick reply is in view on a desktop, none hidden behind a scroll
            quick = chat.locator("#quick").evaluate("(q) => [q.scrollWidth, q.clientWidth]")
            assert quick[0] <= quick[1] + 1, quick
            for button in chat.locator("#quick button").all():
                assert_visible(button, "quick reply")
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_widget_shows_the_last_card_of_a_long_conversation(live_url, browser, width, content):
    context, page = open_page(browser, width)
    try:
        page.goto(f"{live_url}/healthz")  # any page of the site; the widget is added to it
        page.add_script_tag(url=f"{live_url}/chat/widget.js")
        page.locator("#office-chat-button").click()
        panel = page.locator("#office-chat-panel").bounding_box()
        assert panel["x"] >= 0 and panel["y"] >= 0 and panel["x"] + panel["width"] <= width
        chat = page.frame_locator("#office-chat-panel iframe").locator("html")
        chat.locator(".msg.bot").first.wait_for()
        hold_a_long_conversation(chat, content)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"widget-long-{width}.png"))
    finally:
        context.close()


def newest_reply(chat):
    return chat.locator("#log > :not(.msg.user):not(#typing)").last


def test_an_anonymous_corruption_report_at_phone_width(live_url, browser, services):
    """The whole report as a citizen makes it on a phone: every step's text is on screen, the summary can
    be read before confirming, a reload keeps the draft, and the code tracks the report."""
    without_web_floodgate(services)  # a person reads the summary; the robot confirms at once
    context, chat = open_page(browser, 360)
    shots = []

    def step(text: str, expect_text: str, name: str):
        ask(chat, text)
        reply = newest_reply(chat)
        assert expect_text in reply.inner_text(), (text, reply.inner_text())
        assert_visible(reply, name)
        for button in chat.locator("#quick button").all()[:1]:
            assert button.is_visible()
        path = ARTIFACTS / f"report-{len(shots) + 1}-{name}.png"
        chat.screenshot(path=str(path))
        shots.append(path)

    try:
        ARTIFACTS.mkdir(exist_ok=True)
        chat.goto(f"{live_url}/chat")
        ask(chat, "ผล ITA ล่าสุด")  # some history first, as a real visitor would have
        ask(chat, "ข้อมูลติดต่อ")
        step("ร้องเรียน/แจ้งทุจริต", "หัวข้อใด", "category")
        step("ทุจริต/ประพฤติมิชอบ", "รายละเอียด", "details")
        step("มีเจ้าหน้าที่เรียกรับเงิน 5,000 บาท เพื่อเร่งเรื่องย้ายเมื่อวันที่ 3 พ.ย.", "รับรายละเอียดแล้ว 1",
             "detail-1")
        chat.reload()  # a reload keeps the visible history and says the report is not sent yet
        notice = chat.locator("#log .notice").last
        notice.wait_for()
        assert "ยังไม่ได้ส่ง" in notice.inner_text()
        assert_visible(notice, "in-progress notice")
        assert "เรียกรับเงิน 5,000 บาท" in chat.locator("#log").inner_text()
        step("เสร็จแล้ว", "หลักฐาน", "evidence")
        step("ข้าม", "ระบุตัวตน", "identity")
        step("ไม่ระบุตัวตน", "สรุปเรื่องที่จะส่ง", "summary")
        summary = chat.locator("#log .card").last
        assert "ไม่ระบุตัวตน" in summary.inner_text() and "เรียกรับเงิน" in summary.inner_text()
        step("ยืนยันส่งเรื่อง", "รหัสติดตามเรื่อง", "filed")
        code = re.search(r"CR(-[0-9A-Z]{4}){4}", newest_reply(chat).inner_text()).group(0)
        assert chat.locator("#quick button").count() > 0  # a menu to go on with
        step(code, code, "tracked")
        assert "รับเรื่องแล้ว" in newest_reply(chat).inner_text()
    finally:
        context.close()


def test_a_message_typed_while_the_history_loads_is_shown_once(live_url, browser):
    """A person who types at once, while the page is still fetching the session's history, must not see
    their message twice (typed, then again inside the history that arrives after it was answered)."""
    from playwright.sync_api import expect

    context, page = open_page(browser, 360)
    try:
        held = []
        page.route("**/api/chat/history*", lambda route: held.append(route))
        page.goto(f"{live_url}/chat")
        page.wait_for_timeout(300)
        assert held, "the page asks for its history"
        page.fill("#text", "เบอร์โทรสำนักงาน")
        page.press("#text", "Enter")  # while the history is still on its way
        page.wait_for_timeout(500)
        held[0].continue_()
        expect(page.locator(".msg.bot").first).to_be_visible()
        if page.locator("#text").input_value():  # the chat waited for the history: the text is still there
            page.click("#send")
        expect(page.locator("#typing")).to_have_count(0, timeout=10_000)
        expect(page.locator(".msg.user")).to_have_count(1)
        expect(page.locator(".msg.user")).to_have_text("เบอร์โทรสำนักงาน")
    finally:
        context.close()

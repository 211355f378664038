"""An editor at phone width (360 px) changes the office's phone in the console, previews what the chat will
answer, publishes it; a new web visitor gets the new number; the editor reverts and the old number is back;
the audit page names both. Screenshots: tests/artifacts/content-*.png."""
from __future__ import annotations

import pytest

from bot.console import people
from tests.browser_helpers import assert_visible, browser, fits_the_width, on_screen, served, shot  # noqa: F401
from tests.console_helpers import PASSWORD, console_app  # noqa: F401
from tests.console_helpers import sign_in_page as sign_in

NEW_PHONE = "045-777888"
PHONE = {"width": 360, "height": 780}


@pytest.fixture
def site(console_app, services):
    people.create(services, "editor", "editor", PASSWORD)
    with served(console_app) as url:
        yield url


def visitor_asks_the_phone(browser, site: str, name: str) -> str:
    """A new web visitor (a fresh browser) asks for the office's phone; the answer as shown."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport=PHONE, locale="th-TH").new_page()
    page.goto(f"{site}/chat")
    page.fill("#text", "เบอร์โทรสำนักงาน")
    page.click("#send")
    answer = page.locator(".msg.bot", has_text="โทรศัพท์")
    expect(answer).to_have_count(1, timeout=10_000)
    answer.scroll_into_view_if_needed()
    assert_visible(answer)
    shot(page, f"content-{name}")
    text = answer.inner_text()
    page.context.close()
    return text


def test_an_editor_changes_the_phone_previews_publishes_and_reverts_at_phone_width(site, browser, services):
    from playwright.sync_api import expect

    old = services.content.office.phone

    editor = browser.new_context(viewport=PHONE, locale="th-TH").new_page()
    editor.on("dialog", lambda dialog: dialog.accept())  # "revert this change?"
    sign_in(editor, site, "editor")
    expect(editor.locator("header")).not_to_contain_text("เรื่องร้องเรียน")
    editor.locator("header summary").click()  # on a phone the menu is folded
    editor.click("header >> text=แก้ไขข้อมูลบอต")
    editor.click("text=แก้ไขเบอร์โทร ที่อยู่ เวลาทำการ")
    expect(editor.locator("input[name=phone]")).to_have_value(old)
    editor.fill("input[name=phone]", NEW_PHONE)
    fits_the_width(editor)
    shot(editor, "content-office-form-360")
    editor.get_by_role("button", name="ดูตัวอย่างคำตอบ").click()

    said = editor.locator("#preview .bubble.bot").first
    expect(said).to_contain_text(NEW_PHONE)
    on_screen(editor, said)
    expect(editor.locator("#changes")).to_contain_text(old)
    fits_the_width(editor)
    shot(editor, "content-preview-360")
    assert old in visitor_asks_the_phone(browser, site, "chat-during-preview-360")  # a preview publishes nothing

    editor.fill("input[name=reason]", "สำนักงานเปลี่ยนเบอร์โทรศัพท์")
    editor.get_by_role("button", name="เผยแพร่").click()
    expect(editor.locator(".flash")).to_contain_text("เผยแพร่แล้ว")
    expect(editor.locator("#history")).to_contain_text("สำนักงานเปลี่ยนเบอร์โทรศัพท์")
    fits_the_width(editor)
    shot(editor, "content-history-360")

    answer = visitor_asks_the_phone(browser, site, "chat-published-360")
    assert NEW_PHONE in answer and old not in answer

    editor.get_by_role("button", name="ย้อนการแก้ไขนี้").click()
    expect(editor.locator(".flash")).to_contain_text("ย้อนการแก้ไขแล้ว")
    expect(editor.locator("#history")).to_contain_text("ย้อนแล้ว")
    shot(editor, "content-reverted-360")
    answer = visitor_asks_the_phone(browser, site, "chat-reverted-360")
    assert old in answer and NEW_PHONE not in answer

    admin = browser.new_context(viewport=PHONE, locale="th-TH").new_page()
    sign_in(admin, site, "admin")
    admin.goto(f"{site}/console/audit")
    log = admin.locator("main")
    expect(log).to_contain_text("content_published")
    expect(log).to_contain_text("content_reverted")
    expect(log).to_contain_text("สำนักงานเปลี่ยนเบอร์โทรศัพท์")
    fits_the_width(admin)
    shot(admin, "content-audit-360")


def test_every_content_page_fits_a_phone_and_the_ita_figures_are_computed_as_typed(site, browser):
    from playwright.sync_api import expect

    page = browser.new_context(viewport=PHONE, locale="th-TH").new_page()
    sign_in(page, site, "editor")
    for path, name in (("/console/content/", "index"), ("/console/content/holidays", "holidays"),
                       ("/console/content/answers/new", "answer"), ("/console/content/news/new", "news"),
                       ("/console/content/procedures/teacher-transfer", "procedure")):
        page.goto(site + path)
        fits_the_width(page)
        shot(page, f"content-{name}-360")

    page.goto(f"{site}/console/content/ita/new?year=2565")
    for n, score in enumerate((90, 91, 92, 93, 94, 95, 96, 97, 98, 99)):
        page.fill(f"input[name=score_{n}]", str(score))
    page.fill("input[name=published_total]", "95.00")
    figures = page.locator("#computed")
    expect(figures.locator("#total")).to_have_text("95.80")  # computed by scoring/ while typing
    expect(figures.locator("#level")).to_have_text("AA")
    expect(figures).to_contain_text("คะแนนรวมที่ประกาศ 95.00 ไม่ตรงกับที่คำนวณจากคะแนนตัวชี้วัด 95.80")
    on_screen(page, figures.locator("#total"))
    fits_the_width(page)
    shot(page, "content-ita-new-360")

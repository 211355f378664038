"""The web chat as a person uses it: the real app on a local port, Debian's Chromium driven by Playwright.

Skipped when Chromium is not installed, unless CI_REQUIRE_BROWSER=1 (then it fails). The screenshot in
tests/artifacts/ is there to be looked at: Thai must render as Thai, not boxes.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.test_channel_fixtures import facebook_api, line_api  # noqa: F401 (fixtures)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if path and os.access(path, os.X_OK):
        return path
    reason = "Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)"
    if os.environ.get("CI_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; CI_REQUIRE_BROWSER=1 requires the browser test")
    pytest.skip(reason)


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page():
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 420, "height": 820}, locale="th-TH")
        yield context.new_page()
        context.close()
        browser.close()


def test_asking_the_ita_score_in_the_web_chat(live_url, page):
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
    expect(page.locator("#log")).to_contain_text("93.23")
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

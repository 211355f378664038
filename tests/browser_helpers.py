"""What every browser test shares: Debian's Chromium driven by Playwright, and an app served on a local port.

Skipped when Chromium is not installed, unless CI_REQUIRE_BROWSER=1 (then it fails). Screenshots go to
tests/artifacts/ and are there to be looked at: Thai must render as Thai, not boxes."""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

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


@contextmanager
def served(app) -> Iterator[str]:
    """The app on a free local port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    """A headless Debian Chromium (never a downloaded browser)."""
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a test module (import the fixture: `from tests.browser_helpers import browser`)."""
    with chromium() as b:
        yield b


def shot(page, name: str, full_page: bool = True) -> None:
    """tests/artifacts/<name>.png, to be looked at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def fits_the_width(page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling (a phone at 360 px)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def on_screen(page, locator) -> None:
    """A page's element (not a chat message: `assert_visible`) has a height and a width, lies inside the
    page's body and inside its width, not clipped off the side of a phone."""
    box, body = locator.bounding_box(), page.locator("body").bounding_box()
    assert box and box["height"] > 10 and box["width"] > 10, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1, box
    assert body["y"] - 1 <= box["y"] and box["y"] + box["height"] <= body["y"] + body["height"] + 1, (box, body)


# --- what a person actually sees: boxes with height, inside the scrolled log, clipped by nothing --------

# For an element: its box, the box its content needs, and how much of it survives every clipping ancestor
# (overflow other than visible) and the window. Works inside the widget's iframe too (its window clips).
VISIBILITY_JS = """(el) => {
  const r = el.getBoundingClientRect();
  let top = r.top, bottom = r.bottom, left = r.left, right = r.right;
  for (let a = el.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const b = a.getBoundingClientRect();
    top = Math.max(top, b.top); bottom = Math.min(bottom, b.bottom);
    left = Math.max(left, b.left); right = Math.min(right, b.right);
  }
  top = Math.max(top, 0); bottom = Math.min(bottom, window.innerHeight);
  left = Math.max(left, 0); right = Math.min(right, window.innerWidth);
  const log = document.getElementById('log').getBoundingClientRect();
  return {height: r.height, width: r.width, needed: el.scrollHeight,
          shownHeight: Math.max(0, bottom - top), shownWidth: Math.max(0, right - left),
          logHeight: log.height, text: el.innerText};
}"""


def assert_visible(locator, what: str = "") -> dict:
    """The element has a real box, its content fits in it, and all of it (or, when taller than the log,
    a log's height of it) is inside the log's visible area with nothing clipping it."""
    box = locator.evaluate(VISIBILITY_JS)
    label = what or box["text"][:40]
    assert box["height"] > 20 and box["height"] >= box["needed"] - 1, (label, box)
    assert box["shownHeight"] >= min(box["height"], box["logHeight"] - 24) - 2, (label, box)
    assert box["shownWidth"] >= box["width"] - 1, (label, box)
    return box

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

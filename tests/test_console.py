"""The staff console is behind the password and shows the ITA figures computed by scoring/."""
from __future__ import annotations

import time

from app import create_app
from tests.console_helpers import PASSWORD, console, console_app, log_in, post  # noqa: F401


def test_console_is_off_with_a_placeholder_or_short_secret_key(client, settings, services):
    assert client.get("/console/").status_code == 404  # the public default key
    for key in ("change-me", "short-but-not-a-placeholder"):
        app = create_app(settings.replace(secret_key=key, console_password=PASSWORD), services)
        assert app.test_client().get("/console/login").status_code == 404


def test_login_required_and_wrong_password_refused(console_app):
    client = console_app.test_client()
    resp = client.get("/console/")
    assert resp.status_code == 302 and "/console/login" in resp.headers["Location"]
    bad = log_in(client, "nope")
    assert bad.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in bad.get_data(as_text=True)


def test_a_form_without_its_token_is_refused(console):
    resp = console.post("/console/broadcasts/", data={"text": "x", "when": "at", "at": "2099-01-01T09:00"})
    assert resp.status_code == 400
    assert console.get("/console/broadcasts/").get_data(as_text=True).count("<tr>") == 2  # header + "none" row


def test_dashboard_shows_computed_figures(console_app):
    resp = log_in(console_app.test_client())
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "ผลการประเมิน ITA" in page
    assert "93.23" in page and "36.38" in page and "36.75" not in page
    assert "<svg" in page and "การปรับปรุงระบบการทำงาน" in page


def test_staff_create_preview_and_send_an_announcement(console, line_api):
    c = console
    bad = post(c, "/console/broadcasts/", {"text": "ประชุมผู้ปกครอง", "when": "at", "at": "เมื่อวาน",
                                               "channel_line": "on"})
    assert bad.status_code == 400 and 'class="error"' in bad.get_data(as_text=True)
    resp = post(c, "/console/broadcasts/", {"title": "ประชุมผู้ปกครอง", "text": "ขอเชิญประชุม 1 ธันวาคม",
                                                "when": "at", "at": "2099-12-01T09:00", "channel_line": "on"},
                  follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "ประชุมผู้ปกครอง" in page and "altText" in page
    listing = c.get("/console/broadcasts/").get_data(as_text=True)
    assert "scheduled" in listing and "2099-12-01 09:00" in listing
    started = post(c, "/console/broadcasts/1/send-now", follow_redirects=True).get_data(as_text=True)
    assert "เริ่มส่งประกาศหมายเลข 1" in started
    calls = line_api.wait_for("POST", r"/v2/bot/message/broadcast$")
    assert len(calls) == 1 and calls[0].headers.get("x-line-retry-key")
    for _ in range(100):  # the page shows the outcome once the background send has recorded it
        if "<strong>sent</strong>" in c.get("/console/broadcasts/1").get_data(as_text=True):
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the announcement was not recorded as sent")
    again = post(c, "/console/broadcasts/1/send-now", follow_redirects=True).get_data(as_text=True)
    assert "ส่งไปแล้ว" in again and len(line_api.calls("POST", r"/v2/bot/message/broadcast$")) == 1

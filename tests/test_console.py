"""The staff console is behind the password and shows the ITA figures computed by scoring/."""
from __future__ import annotations

import pytest

from app import create_app


@pytest.fixture
def console(settings, services):
    app = create_app(settings.replace(console_password="staff-secret"), services)
    return app.test_client()


def test_console_is_off_without_a_password(client):
    assert client.get("/console/").status_code == 404


def test_login_required_and_wrong_password_refused(console):
    resp = console.get("/console/")
    assert resp.status_code == 302 and "/console/login" in resp.headers["Location"]
    bad = console.post("/console/login", data={"password": "nope"})
    assert bad.status_code == 401 and "รหัสผ่านไม่ถูกต้อง" in bad.get_data(as_text=True)


def test_dashboard_shows_computed_figures(console):
    resp = console.post("/console/login", data={"password": "staff-secret"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "93.23" in page and "36.38" in page and "36.75" not in page
    assert "<svg" in page and "การปรับปรุงระบบการทำงาน" in page


def logged_in(console):
    console.post("/console/login", data={"password": "staff-secret"})
    return console


def test_staff_create_preview_and_send_an_announcement(console, line_api):
    c = logged_in(console)
    bad = c.post("/console/broadcasts/", data={"text": "ประชุมผู้ปกครอง", "when": "at", "at": "เมื่อวาน",
                                               "channel_line": "on"})
    assert bad.status_code == 400 and 'class="error"' in bad.get_data(as_text=True)
    resp = c.post("/console/broadcasts/", data={"title": "ประชุมผู้ปกครอง", "text": "ขอเชิญประชุม 1 ธันวาคม",
                                                "when": "at", "at": "2099-12-01T09:00", "channel_line": "on"},
                  follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "ประชุมผู้ปกครอง" in page and "altText" in page
    listing = c.get("/console/broadcasts/").get_data(as_text=True)
    assert "scheduled" in listing and "2099-12-01 09:00" in listing
    sent = c.post("/console/broadcasts/1/send-now", follow_redirects=True).get_data(as_text=True)
    assert "sent" in sent
    calls = line_api.calls("POST", r"/v2/bot/message/broadcast$")
    assert len(calls) == 1 and calls[0].headers.get("x-line-retry-key")

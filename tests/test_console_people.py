"""People, roles and the audit trail of the console: accounts from the command line, lock-out, sessions
that really end, corruption reports only for the integrity unit, and who opened what."""
from __future__ import annotations

import io
import json
from datetime import timedelta

from sqlalchemy import update

from bot.console.models import ConsoleSession
from bot.storage import utcnow
from tests.complaint_helpers import Person, code_in, settings, smtp  # noqa: F401
from tests.console_helpers import PASSWORD, console, console_app, log_in, post, signed_in  # noqa: F401
from tests.test_complaint_cli import cli  # noqa: F401


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_unauthenticated_pages_redirect_to_sign_in_and_headers_forbid_framing_and_caching(console_app):
    client = console_app.test_client()
    for path in ("/console/", "/console/complaints/", "/console/evidence", "/console/what-if", "/console/users/"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/console/login" in resp.headers["Location"], path
    page = client.get("/console/login")
    assert 'name="username"' in page.get_data(as_text=True) and 'name="password"' in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"


def test_sixth_wrong_password_locks_the_account_and_the_address(console_app):
    client = console_app.test_client()
    for _ in range(5):
        assert log_in(client, "wrong-password", "staff").status_code == 401
    locked = log_in(client, PASSWORD, "staff")  # the right password no longer opens it
    assert locked.status_code == 429 and "15 นาที" in locked.get_data(as_text=True)
    # the same address cannot go on guessing with another name either
    assert log_in(client, PASSWORD, "integrity").status_code == 429


def test_sign_out_and_disable_end_sessions_at_once_and_idle_sessions_expire(console_app, services, cli):
    a = signed_in(console_app, "staff")
    stolen = session_cookie(a)
    post(a, "/console/logout")
    replay = console_app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/console/").status_code == 302  # the old cookie is worth nothing after sign-out

    b = signed_in(console_app, "integrity")
    assert b.get("/console/").status_code == 200
    assert cli("users", "disable", "integrity")[0] == 0
    assert b.get("/console/").status_code == 302

    c = signed_in(console_app, "admin")
    with services.db.session() as s:
        s.execute(update(ConsoleSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert c.get("/console/").status_code == 302


def test_users_commands_create_list_disable_and_reset_password(console_app, cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("new-strong-password\n"))
    code, out = cli("users", "create", "somchai", "--role", "staff", "--password-stdin")
    assert code == 0 and "somchai" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli("users", "create", "somsri", "--role", "staff", "--password-stdin")[0] == 1
    rows = json.loads(cli("users", "list", "--json")[1])
    assert {"username": "somchai", "role": "staff", "active": True, "last_sign_in": None} in rows
    assert log_in(console_app.test_client(), "new-strong-password", "somchai").status_code == 200
    monkeypatch.setattr("sys.stdin", io.StringIO("another-strong-password\n"))
    assert cli("users", "reset-password", "somchai", "--password-stdin")[0] == 0
    assert log_in(console_app.test_client(), "new-strong-password", "somchai").status_code == 401
    assert log_in(console_app.test_client(), "another-strong-password", "somchai").status_code == 200


def test_staff_never_see_corruption_reports_and_integrity_views_are_audited(console_app, bot, cli):
    corruption = code_in(Person(bot, "U-people-1").files_anonymous_corruption(image=False))
    general = Person(bot, "U-people-2")
    for text in ("ร้องเรียนการให้บริการ", "รอเอกสารนานเกินกำหนด", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน"):
        general.says(text)
    general_code = code_in(general.says("ยืนยันส่งเรื่อง"))

    staff = signed_in(console_app, "staff")
    listing = staff.get("/console/complaints/").get_data(as_text=True)
    assert general_code in listing and corruption not in listing and "พบ 1 เรื่อง" in listing
    assert "ทุจริต" not in listing.split('id="complaint-list"')[1]
    assert staff.get(f"/console/complaints/{corruption}").status_code == 403
    assert post(staff, f"/console/complaints/{corruption}/notes", {"text": "x"}).status_code == 403

    integrity = signed_in(console_app, "integrity")
    listing = integrity.get("/console/complaints/").get_data(as_text=True)
    assert corruption in listing and general_code not in listing
    assert integrity.get(f"/console/complaints/{general_code}").status_code == 403
    page = integrity.get(f"/console/complaints/{corruption}").get_data(as_text=True)
    assert "เรียกรับเงิน" in page and "U-people-1" not in page

    rows = json.loads(cli("audit", "list", "--json")[1])
    assert any(r["user"] == "integrity" and r["action"] == "complaint_viewed" and r["complaint"] == corruption
               for r in rows)
    assert any(r["user"] == "staff" and r["action"] == "complaint_forbidden" for r in rows)
    assert any(r["user"] == "staff" and r["action"] == "sign_in" and r["complaint"] is None and r["at"] for r in rows)
    assert "complaint_viewed" in cli("audit", "list", "--since", "2500-01-01")[1]
    assert json.loads(cli("audit", "list", "--since", "2699-01-01", "--json")[1]) == []


def test_console_password_creates_the_first_admin_once(settings, services):
    from app import create_app
    from bot.console import people

    app = create_app(settings.replace(secret_key="x" * 40, console_password="first-admin-password"), services)
    assert log_in(app.test_client(), "first-admin-password", "admin").status_code == 200
    people.reset_password(services, "admin", "changed-password-1")
    create_app(settings.replace(secret_key="x" * 40, console_password="first-admin-password"), services)
    assert log_in(app.test_client(), "first-admin-password", "admin").status_code == 401

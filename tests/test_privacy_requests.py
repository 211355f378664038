"""Requests that used to betray or break: a console sign-in whose `next=` holds a line break, and citizens
behind a reverse proxy who all looked like the proxy's one address (TRUSTED_PROXY_HOPS)."""
from __future__ import annotations

import pytest

from bot import config
from tests.console_helpers import PASSWORD, console_app, csrf  # noqa: F401 (fixture)

PROXY = "10.0.0.2"  # the reverse proxy the app sees every request from
FIRST, SECOND = "198.51.100.10", "198.51.100.20"


@pytest.mark.parametrize("target", [
    "/console/%0d%0aSet-Cookie:%20evil=1", "/console/complaints%0a", "%0d%0a/console", "/console/%0d",
    "/console/%09x", "/console/%00", "/console/%7f", "/console/%C2%85x", "/console/%E2%80%A8x",  # other controls
    "/console\\\\evil.example", "//evil.example/console", "https://evil.example",
    "/console/..//evil.example", "/console%2F..%2F..%2F%2Fevil.example", "/console//evil.example",
    "/consoleevil.example"])
def test_a_sign_in_whose_next_is_not_a_plain_console_path_goes_to_the_dashboard(console_app, target):
    client = console_app.test_client()
    client.get("/console/login")
    resp = client.post(f"/console/login?next={target}",
                       data={"username": "admin", "password": PASSWORD, "csrf": csrf(client)})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/console/" and "Set-Cookie: evil" not in str(resp.headers)
    assert client.get("/console/").status_code == 200  # and signed in


def test_a_console_link_with_a_line_break_leads_to_sign_in_and_then_home(console_app):
    """Signed out, a console address holding CR/LF sends to sign-in with it quoted; signing in goes home."""
    client = console_app.test_client()
    resp = client.get("/console/complaints/%0d%0aSet-Cookie:%20evil=1")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/console/login?next=")
    assert "\r" not in resp.headers["Location"] and "\n" not in resp.headers["Location"]
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    signed = client.post(resp.headers["Location"], data={"username": "admin", "password": PASSWORD,
                                                         "csrf": csrf(client)})
    assert signed.status_code == 302 and signed.headers["Location"] == "/console/"


def test_a_sign_in_keeps_a_plain_console_next(console_app):
    client = console_app.test_client()
    client.get("/console/login")
    resp = client.post("/console/login?next=/console/complaints",
                       data={"username": "admin", "password": PASSWORD, "csrf": csrf(client)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/console/complaints"


def chat_statuses(client, forwarded_for: str, n: int) -> list[int]:
    return [client.post("/api/chat", json={"text": "สวัสดี"}, environ_base={"REMOTE_ADDR": PROXY},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for _ in range(n)]


def test_behind_two_trusted_proxies_each_citizen_is_limited_apart(services, monkeypatch, tmp_path):
    from app import create_app

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path, raising=False)
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
    assert config.from_env().trusted_proxy_hops == 2
    services.settings = services.settings.replace(rate_limit_per_address="2 per minute", trusted_proxy_hops=2)
    client = create_app(services.settings, services).test_client()
    assert chat_statuses(client, f"{FIRST}, 10.0.0.1", 3) == [200, 200, 429]
    assert chat_statuses(client, f"{SECOND}, 10.0.0.1", 2) == [200, 200]  # another citizen, same proxies
    assert chat_statuses(client, f"203.0.113.9, {FIRST}, 10.0.0.1", 1) == [429]  # a forged first hop: still FIRST


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(services):
    from app import create_app

    services.settings = services.settings.replace(rate_limit_per_address="2 per minute")
    client = create_app(services.settings, services).test_client()
    assert chat_statuses(client, FIRST, 2) == [200, 200]
    assert chat_statuses(client, SECOND, 1) == [429]  # the same client, whatever it claims


def test_a_negative_number_of_proxies_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path, raising=False)
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "-1")
    with pytest.raises(ValueError, match="TRUSTED_PROXY_HOPS"):
        config.from_env()

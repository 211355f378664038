"""Signing in to the staff console the way a browser does: the form token comes with the page, and each
role has its own account."""
from __future__ import annotations

import re

import pytest

from app import create_app
from bot.console import people

PASSWORD = "staff-secret-password"
SECRET_KEY = "test-only-secret-key-of-at-least-32-characters"
USERS = {"admin": "admin", "staff": "staff", "integrity": "integrity"}  # username: role


def csrf(client) -> str:
    with client.session_transaction() as session:
        return session.get("csrf", "")


def post(client, path: str, data: dict | None = None, **kwargs):
    return client.post(path, data={**(data or {}), "csrf": csrf(client)}, **kwargs)


def log_in(client, password: str = PASSWORD, username: str = "admin"):
    client.get("/console/login")
    return post(client, "/console/login", {"username": username, "password": password}, follow_redirects=True)


@pytest.fixture
def console_app(settings, services):
    for username, role in USERS.items():
        people.create(services, username, role, PASSWORD)
    return create_app(settings.replace(secret_key=SECRET_KEY), services)


@pytest.fixture
def console(console_app):
    client = console_app.test_client()
    log_in(client)
    return client


def signed_in(app, username: str):
    client = app.test_client()
    log_in(client, username=username)
    return client


def sign_in_page(page, site: str, username: str) -> None:
    """A browser page signs in as `username` through the console's own form, from the console's door."""
    page.goto(f"{site}/console/")
    assert "/console/login" in page.url  # not signed in: the sign-in page
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button")
    page.wait_for_url(re.compile(r"/console/$"))
    assert page.locator("header .who").inner_text().startswith(username)

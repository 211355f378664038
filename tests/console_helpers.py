"""Logging in to the staff console the way a browser does: the form token comes with the page."""
from __future__ import annotations

import pytest

from app import create_app

PASSWORD = "staff-secret"


def csrf(client) -> str:
    with client.session_transaction() as session:
        return session.get("csrf", "")


def post(client, path: str, data: dict | None = None, **kwargs):
    return client.post(path, data={**(data or {}), "csrf": csrf(client)}, **kwargs)


def log_in(client, password: str = PASSWORD):
    client.get("/console/login")
    return post(client, "/console/login", {"password": password}, follow_redirects=True)


@pytest.fixture
def console_app(settings, services):
    return create_app(settings.replace(console_password=PASSWORD, secret_key="test-only-secret"), services)


@pytest.fixture
def console(console_app):
    client = console_app.test_client()
    log_in(client)
    return client

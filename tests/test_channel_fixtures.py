"""Shared helpers of the channel tests (no tests here): request signing as each platform does it, and
fake platform servers that stop at once (the shared fakes' `close()` waits out a 0.5 s poll each, which
for two fakes per test would dominate these tests' time). Import the fixtures into a test module to use
them there."""
from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import threading

import pytest

from tests.conftest import FACEBOOK_SECRET, LINE_SECRET
from tests.fakes.platform import FakePlatform, fake_facebook, fake_line


def line_signature(body: bytes, secret: str = LINE_SECRET) -> str:
    """X-Line-Signature: base64 of the HMAC-SHA256 of the raw body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def facebook_signature(body: bytes, secret: str = FACEBOOK_SECRET) -> str:
    """X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def close_now(fake: FakePlatform) -> None:
    """Stop the fake's server without waiting for its poll interval: a connection wakes its loop."""
    stopper = threading.Thread(target=fake.server.shutdown)
    stopper.start()
    while stopper.is_alive():
        try:
            socket.create_connection(fake.server.server_address[:2], timeout=0.5).close()
        except OSError:
            pass
        stopper.join(0.01)
    fake.server.server_close()


@pytest.fixture
def line_api():
    fake = fake_line()
    yield fake
    close_now(fake)


@pytest.fixture
def facebook_api():
    fake = fake_facebook()
    yield fake
    close_now(fake)


def answer_everything(app, handler) -> list:
    """Make the app's bot answer every message with `handler(ctx)` (the channel is what is tested, not the
    answers); returns the list of messages the core received."""
    seen: list = []
    bot = app.extensions["bot"]

    def recording(ctx):
        seen.append(ctx.message)
        return handler(ctx)

    bot.router.handler_for = lambda intent: recording
    bot.router.flows = {}
    return seen


def answer_with(app, replies) -> list:
    return answer_everything(app, lambda ctx: list(replies))

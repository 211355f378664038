"""Flood limits hold across instances only with a shared store (RATE_LIMIT_STORAGE_URL): two apps on one
redis count one client's requests together, two apps on the default memory storage count apart, and a
store that goes away does not turn webhooks into errors. `limits` has no SQL backend, so the shared store
is redis (memcached or MongoDB would do too); the test starts a private redis-server and skips where
there is none (.ci/run installs it)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from bot.config import from_env

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    if not REDIS_SERVER:
        pytest.skip("needs redis-server (apt-get install redis-server; .ci/run does)")
    pytest.importorskip("redis")
    port = free_port()
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def two_instances(settings, understander):
    """Build two apps (two instances' worth of limiter, state and pools) on one database."""
    from app import create_app
    from bot.services import build_services

    built = []

    def make(storage_url: str):
        for _ in range(2):
            s = settings.replace(rate_limit_storage_url=storage_url, rate_limit_per_address="3 per minute",
                                 rate_limit_webhook_per_address="3 per minute", rate_limit_global="3 per minute")
            services = build_services(s, understander)
            built.append(services)
            yield create_app(s, services).test_client()

    yield lambda url: tuple(make(url))
    for services in built:
        services.db.dispose()


def chat(client) -> int:
    return client.post("/api/chat", json={"text": "สวัสดี"}).status_code


def signed_webhook(client) -> int:
    from tests.test_channel_fixtures import line_signature

    body = b'{"events": []}'
    return client.post("/webhooks/line", data=body, headers={"X-Line-Signature": line_signature(body)}).status_code


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path, sqlite_template):  # the limits, not the database, are under test
    path = tmp_path / "bot.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def test_a_shared_store_counts_one_clients_requests_across_instances(two_instances, redis_url):
    url, _ = redis_url
    a, b = two_instances(url)
    assert [chat(a), chat(b), chat(a)] == [200, 200, 200]
    assert chat(b) == 429 and chat(a) == 429  # the fourth, wherever it lands


def test_memory_storage_counts_each_instance_apart(two_instances):
    a, b = two_instances("memory://")
    assert [chat(a), chat(a), chat(a), chat(a)] == [200, 200, 200, 429]
    assert chat(b) == 200  # why several instances need RATE_LIMIT_STORAGE_URL


def test_an_unreachable_store_falls_back_to_counting_in_memory(two_instances, redis_url):
    url, proc = redis_url
    a, _b = two_instances(url)
    assert chat(a) == 200
    proc.terminate()
    proc.wait(timeout=10)
    assert [chat(a) for _ in range(4)][-1] in (200, 429)  # answered, not a 500
    assert chat(a) == 429  # and still limited, per process now


def test_the_storage_url_comes_from_the_environment_and_a_store_down_at_start_is_survived(monkeypatch,
                                                                                          two_instances):
    pytest.importorskip("redis")
    from limits.storage import RedisStorage

    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    monkeypatch.setenv("RATE_LIMIT_STORAGE_URL", nowhere)
    assert from_env().rate_limit_storage_url == nowhere
    a, _ = two_instances(nowhere)
    assert isinstance(a.application.extensions["limiter"].storage, RedisStorage)
    assert [chat(a) for _ in range(4)] == [200, 200, 200, 429]  # counted in memory meanwhile


def test_signed_line_webhooks_are_never_limited_and_leave_the_others_their_count(two_instances, redis_url):
    url, _ = redis_url
    a, b = two_instances(url)
    assert [signed_webhook(a) for _ in range(5)] + [signed_webhook(b) for _ in range(5)] == [200] * 10
    assert [chat(a), chat(b), chat(a)] == [200, 200, 200]  # the 3 a minute of everyone else, untouched
    assert chat(b) == 429

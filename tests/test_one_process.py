"""`make run`'s way of serving: the whole product in one gunicorn worker on SQLite (web, outbox worker and
announcement clock as threads, bot/in_process.py), listening where PORT says; and the refusal to serve one
SQLite database from several processes."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
import requests

from bot.thaitime import local
from bot.storage import utcnow
from tests.conftest import CONTENT, LINE_SECRET
from tests.fakes.platform import fake_line
from tests.test_channel_fixtures import line_signature
from tests.test_instances import GUNICORN, ROOT, Process, wait_ready


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def text_event(user: str, text: str) -> bytes:
    return json.dumps({"destination": "U0", "events": [{
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "webhookEventId": uuid.uuid4().hex.upper()[:26], "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user}, "replyToken": uuid.uuid4().hex,
        "message": {"type": "text", "id": str(uuid.uuid4().int)[:14], "quoteToken": "q", "text": text}}]},
        ensure_ascii=False).encode()


@pytest.fixture
def one_process_env(tmp_path):
    line_api = fake_line()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}", "CONTENT_DIR": str(CONTENT),
           "PYTHAINLP_OFFLINE": "1", "LINE_CHANNEL_SECRET": LINE_SECRET,
           "LINE_CHANNEL_ACCESS_TOKEN": "test-line-access-token", "LINE_API_BASE_URL": line_api.url,
           "LINE_DATA_API_BASE_URL": line_api.url, "BROADCAST_SYNC_SECONDS": "1", "HOST": "127.0.0.1"}
    for name in ("WEB_CONCURRENCY", "IN_PROCESS_JOBS"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    yield env, line_api
    line_api.close()


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed in .venv by make install")
def test_one_process_answers_pushes_what_is_owed_and_sends_a_scheduled_announcement(one_process_env, tmp_path):
    env, line_api = one_process_env
    port = free_port()
    # LINE's reply endpoint fails once: that answer is owed, and the process pushes it by itself
    line_api.fail("POST", r"/v2/bot/message/reply$", status=500)
    web = Process([str(GUNICORN), "app:app"], {**env, "PORT": str(port), "WEB_CONCURRENCY": "1"},
                  tmp_path / "web.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, time.monotonic() + 60)
        body = text_event("U" + "1" * 32, "เบอร์โทรสำนักงาน")
        resp = requests.post(f"{url}/webhooks/line", data=body, timeout=10,
                             headers={"Content-Type": "application/json", "X-Line-Signature": line_signature(body)})
        assert resp.status_code == 200
        [push] = line_api.wait_for("POST", r"/v2/bot/message/push$", timeout=20)
        assert push.json["to"] == "U" + "1" * 32 and push.headers.get("x-line-retry-key")
        assert "โทร" in json.dumps(push.json["messages"], ensure_ascii=False)

        at = local(utcnow() + timedelta(seconds=20)).strftime("%Y-%m-%dT%H:%M:%S")
        created = subprocess.run([sys.executable, "-m", "bot", "broadcast", "create", "--text",
                                  "ประกาศรับสมัครครูอัตราจ้าง", "--at", at], cwd=ROOT, env=env,
                                 capture_output=True, text=True)
        assert created.returncode == 0, created.stderr
        [sent] = line_api.wait_for("POST", r"/v2/bot/message/broadcast$", timeout=90)
        assert "ประกาศรับสมัครครูอัตราจ้าง" in json.dumps(sent.json, ensure_ascii=False)
        workers = subprocess.run(["pgrep", "-P", str(web.proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 1  # one worker process served, pushed and announced
    finally:
        web.stop()


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed in .venv by make install")
def test_several_processes_on_sqlite_are_refused_with_a_clear_message(one_process_env, tmp_path):
    env, _ = one_process_env
    done = subprocess.run([str(GUNICORN), "app:app"], cwd=ROOT, env={**env, "PORT": str(free_port()),
                                                                      "WEB_CONCURRENCY": "2"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "SQLite serves one process" in done.stderr and "PostgreSQL" in done.stderr

"""Issue 12's database row, on PostgreSQL behind a TCP proxy the test cuts (the shared server cannot be
stopped): webhooks answer a JSON 503 that LINE and Messenger redeliver, /readyz says so, accepted
complaints stay accepted, and the outbox worker outlives the outage and delivers afterwards."""
from __future__ import annotations

import json
import os
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bot.complaints import service
from bot.outbox import rows as outbox_rows
from bot.outbox.worker import Worker
from bot.complaints.models import Complaint
from bot.storage import utcnow
from tests.fakes.tcp_proxy import TcpProxy
from tests.test_channel_fixtures import line_signature

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL (TEST_DATABASE_URL) to cut the database's connections")


@pytest.fixture
def proxy():
    base = make_url(os.environ["TEST_DATABASE_URL"])
    p = TcpProxy(base.host or "127.0.0.1", base.port or 5432)
    yield p
    p.close()


@pytest.fixture
def database_url(pg_template, proxy):
    """A fresh PostgreSQL database, reached through the proxy."""
    base = os.environ["TEST_DATABASE_URL"]
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield make_url(base).set(database=name, host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def line_webhook(client, event_id: str):
    event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
             "webhookEventId": event_id, "deliveryContext": {"isRedelivery": False},
             "replyToken": uuid.uuid4().hex, "source": {"type": "user", "userId": "Udbdown0000000000000000000000001"},
             "message": {"id": "1", "type": "text", "text": "สวัสดี", "quoteToken": "q"}}
    raw = json.dumps({"destination": "Ubot", "events": [event]}).encode()
    return client.post("/webhooks/line", data=raw, content_type="application/json",
                       headers={"X-Line-Signature": line_signature(raw)})


def test_a_database_outage_is_a_json_503_and_the_app_recovers(client, services, proxy, line_api):
    filed = service.file_complaint(services, service.Draft(key=str(uuid.uuid4()), category="service",
                                                           details=["รอเอกสารนานมาก"]), "line", "Ufiled", utcnow())
    event_id = uuid.uuid4().hex
    proxy.cut()
    resp = line_webhook(client, event_id)
    assert resp.status_code == 503 and resp.is_json and "retry" in resp.get_json()["error"]
    chat = client.post("/api/chat", json={"text": "สวัสดี"})
    assert chat.status_code == 503 and chat.is_json
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"] == "unavailable"
    assert client.get("/healthz").status_code == 200
    assert line_api.calls("POST", r"/reply$") == []

    proxy.restore()
    assert client.get("/readyz").status_code == 200
    assert line_webhook(client, event_id).status_code == 200  # LINE's redelivery is answered
    assert len(line_api.calls("POST", r"/reply$")) == 1
    with services.db.session() as s:
        assert s.scalar(select(Complaint.code).where(Complaint.id == filed.id)) == filed.code


def test_the_outbox_worker_outlives_a_database_outage_and_delivers_afterwards(services, proxy, line_api):
    with services.db.session() as s:
        outbox_rows.enqueue(s, "line", "Cstaffgroup", {"texts": [{"text": "แจ้งเตือนเรื่องใหม่"}]}, purpose="alert",
                       now=utcnow())
    pauses: list[float] = []
    proxy.cut()
    worker = Worker(services, interval=0.05, max_pause=0.2)
    worker.sleep = lambda seconds: (pauses.append(seconds), time.sleep(seconds))
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while len(pauses) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert thread.is_alive() and max(pauses) > worker.interval  # failed passes, backed off, still running
    assert line_api.calls("POST", r"/push$") == []
    proxy.restore()
    try:
        (push,) = line_api.wait_for("POST", r"/push$")
    finally:
        worker.stop.set()
        thread.join(5)
    assert push.json["to"] == "Cstaffgroup" and push.json["messages"][0]["text"] == "แจ้งเตือนเรื่องใหม่"


def test_a_database_restarted_while_the_app_was_idle_is_noticed_before_a_request_uses_it(
        client, services, proxy, line_api, monkeypatch):
    """No ping per checkout; a connection idle past PING_AFTER_IDLE is pinged, and a dead one replaced."""
    from bot.storage import db

    assert line_webhook(client, uuid.uuid4().hex).status_code == 200  # the pool now holds live connections
    proxy.cut()
    proxy.restore()  # the pooled connections are dead, and no request saw the outage
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    assert line_webhook(client, uuid.uuid4().hex).status_code == 200
    assert len(line_api.calls("POST", r"/reply$")) == 2

"""Several instances on one PostgreSQL database (issue 16): two gunicorn servers on different ports, one
outbox worker and a fake LINE API; 50 people ask questions and file complaints across both at once, and
LINE's redelivery of an event lands on the other instance. Every complaint is stored once with its own
code, nothing deadlocks, and each event is answered exactly once."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.complaints.alerts import DIGEST_ITEM
from bot.complaints import content as complaints_content
from bot.complaints.models import Complaint
from bot.outbox.models import OutboxMessage
from tests.complaint_helpers import code_in
from tests.conftest import CONTENT, LINE_SECRET
from tests.fakes.platform import fake_line
from tests.test_channel_fixtures import line_signature

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="several instances share a PostgreSQL database (TEST_DATABASE_URL)")

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PEOPLE = 50
STAFF_GROUP = "C" + "5a" * 16
COMPLAINT = ("อยากร้องเรียน", "การให้บริการ", "โทรติดต่อไม่ได้ทั้งวัน", "เสร็จแล้ว", "ข้าม", "ไม่ระบุตัวตน",
             "ยืนยันส่งเรื่อง")
QUESTIONS = ("ITA ปี 2564 ได้กี่คะแนน", "เบอร์โทรสำนักงาน")


@pytest.fixture
def shared_database(pg_template):
    base = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Process:
    """A child process whose stderr (JSON log lines) is kept in a file."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path):
        self.log = log
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.with_suffix(".out").open("w"),
                                     stderr=log.open("w"), text=True)

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines() + self.log.with_suffix(".out").read_text().splitlines()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_web(env: dict[str, str], log: Path) -> Process:
    from gunicorn.config import Config

    # gunicorn 27 opens a control socket at one path per user: two masters would share it
    private = ["--no-control-socket"] if "control_socket_disable" in Config().settings else []
    return Process([str(GUNICORN), "--bind", "127.0.0.1:0", "--workers", "2", "--timeout", "60", "--preload",
                    *private, "--access-logfile", "-", "app:app"], env, log)


def listening_url(web: Process, deadline: float) -> str:
    while time.monotonic() < deadline:
        assert web.proc.poll() is None, web.log.read_text()
        for line in web.lines():
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            if found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start: {web.log.read_text()}")


def wait_ready(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/readyz", timeout=max(1.0, deadline - time.monotonic())).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never became ready")


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed in .venv by make install")
def test_two_instances_serve_fifty_people_at_once_and_answer_each_event_once(shared_database, tmp_path):
    line_api = fake_line()
    env = {**os.environ, "DATABASE_URL": shared_database, "CONTENT_DIR": str(CONTENT), "PYTHAINLP_OFFLINE": "1",
           "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "test-line-access-token",
           "LINE_API_BASE_URL": line_api.url, "LINE_DATA_API_BASE_URL": line_api.url,
           "STAFF_LINE_TARGETS": STAFF_GROUP, "INTEGRITY_LINE_TARGETS": STAFF_GROUP, "LOG_FORMAT": "json",
           "RATE_LIMIT_GLOBAL": "100000 per minute", "RATE_LIMIT_WEBHOOK_PER_ADDRESS": "100000 per minute"}
    procs: list[Process] = []
    try:
        begun = time.monotonic()
        deadline = begun + 180  # three processes building the app at once on a busy machine
        a, b = (start_web(env, tmp_path / f"web-{n}.log") for n in "ab")
        procs += [a, b]
        worker = Process([sys.executable, "-m", "bot", "outbox", "run", "--interval", "0.5"], env,
                         tmp_path / "worker.log")
        procs.append(worker)
        urls = [listening_url(a, deadline), listening_url(b, deadline)]
        assert urls[0] != urls[1]
        for url in urls:
            wait_ready(url, deadline)

        started = time.monotonic()
        events: list[dict] = []  # every event sent, with the reply token its answer must carry
        events_lock = threading.Lock()
        failures: list[str] = []
        session = threading.local()

        def deliver(url: str, body: bytes) -> None:
            headers = {"Content-Type": "application/json", "X-Line-Signature": line_signature(body)}
            http = getattr(session, "http", None) or requests.Session()
            session.http = http
            try:
                resp = http.post(f"{url}/webhooks/line", data=body, timeout=30, headers=headers)
            except requests.ConnectionError:
                # a kept-alive connection the server closed as it was reused: LINE sends it again, and so
                # does this test, on a new connection (the event's id makes it once-only either way)
                session.http = http = requests.Session()
                resp = http.post(f"{url}/webhooks/line", data=body, timeout=30, headers=headers)
            if resp.status_code != 200:
                failures.append(f"{url}: {resp.status_code} {resp.text[:200]}")

        def person(n: int) -> str:
            user = "U" + uuid.UUID(int=n + 1).hex
            code = ""
            for step, said in enumerate((QUESTIONS[n % 2], *COMPLAINT)):
                token, event_id = uuid.uuid4().hex, uuid.uuid4().hex.upper()
                event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
                         "source": {"type": "user", "userId": user}, "webhookEventId": event_id,
                         "deliveryContext": {"isRedelivery": False}, "replyToken": token,
                         "message": {"id": uuid.uuid4().hex[:12], "type": "text", "text": said, "quoteToken": "q"}}
                body = json.dumps({"destination": "Ubot", "events": [event]}, ensure_ascii=False).encode()
                here, there = urls[(n + step) % 2], urls[(n + step + 1) % 2]
                again = json.dumps({"destination": "Ubot", "events": [
                    {**event, "deliveryContext": {"isRedelivery": True}}]}, ensure_ascii=False).encode()
                if step % 6 == 1:  # redelivered while the first delivery may still be in hand, elsewhere
                    other = threading.Thread(target=deliver, args=(there, again))
                    other.start()
                    deliver(here, body)
                    other.join()
                else:
                    deliver(here, body)
                    if step % 6 == 4:
                        deliver(there, again)  # redelivered after it was answered, elsewhere
                with events_lock:
                    events.append({"token": token, "user": user, "said": said})
                if said == COMPLAINT[-1]:
                    code = code_in(answer_to(token))
            return code

        def answer_to(token: str) -> str:
            """The reply LINE got for this event: the webhook returned before its sending pool replied."""
            until = time.monotonic() + 30
            while time.monotonic() < until:
                for rec in line_api.calls("POST", r"/v2/bot/message/reply$"):
                    if rec.json.get("replyToken") == token:
                        return "\n".join(m.get("text") or m.get("altText") or "" for m in rec.json["messages"])
                time.sleep(0.05)
            return ""

        with ThreadPoolExecutor(PEOPLE) as pool:
            codes = list(pool.map(person, range(PEOPLE)))
        elapsed = time.monotonic() - started

        assert not failures, failures[:5]  # no 5xx: no deadlock, no pool exhaustion, no lost claim
        assert all(codes) and len(set(codes)) == PEOPLE, codes
        engine = create_engine(shared_database)
        try:
            with engine.connect() as c:
                stored = list(c.execute(select(Complaint.code)).scalars())
                assert c.execute(select(func.count()).select_from(Complaint)).scalar_one() == PEOPLE
        finally:
            engine.dispose()
        assert sorted(stored) == sorted(codes)  # each complaint stored once, with the code its reporter got

        replies = line_api.calls("POST", r"/v2/bot/message/reply$")
        by_token: dict[str, int] = {}
        for rec in replies:
            by_token[rec.json["replyToken"]] = by_token.get(rec.json["replyToken"], 0) + 1
        assert {e["token"] for e in events} == set(by_token)  # every event answered by its reply ...
        assert max(by_token.values()) == 1  # ... once, though a quarter of them reached both instances
        pushed_to_people = [r for r in line_api.calls("POST", r"/v2/bot/message/push$")
                            if r.json.get("to", "").startswith("U")]
        assert not pushed_to_people, [  # and no answer went a second time by push
            (r.json["to"], [m.get("text") or m.get("altText") for m in r.json["messages"]]) for r in pushed_to_people]

        # The staff hear of each complaint once: a single alert pushed (by the one outbox worker or an
        # instance's after-commit delivery; several share a push), or, past the hourly cap, held for the
        # digest.
        engine = create_engine(shared_database)
        try:
            with engine.connect() as c:
                rows = c.execute(select(OutboxMessage.ref, OutboxMessage.purpose).where(
                    OutboxMessage.purpose.in_(["staff_alert", DIGEST_ITEM]))).all()
        finally:
            engine.dispose()
        single = sorted(ref for ref, purpose in rows if purpose == "staff_alert")
        held = sorted(ref for ref, purpose in rows if purpose == DIGEST_ITEM)
        assert sorted(single + held) == sorted(codes)
        assert len(single) <= complaints_content.load(CONTENT).limits.alerts_per_hour

        def staff_alerts() -> list[str]:
            return [m.get("text", "") for r in line_api.calls("POST", r"/v2/bot/message/push$")
                    if r.json.get("to") == STAFF_GROUP for m in r.json["messages"]]

        until = time.monotonic() + 30
        while time.monotonic() < until and not all(any(c in a for a in staff_alerts()) for c in single):
            time.sleep(0.2)
        alerts = staff_alerts()
        for code in codes:
            assert sum(code in alert for alert in alerts) == (code in single), code
        assert all(p.proc.poll() is None for p in procs)
        print(f"\n{len(events)} events (a quarter redelivered) over 2 instances in {elapsed:.1f} s, "
              f"{started - begun:.1f} s to start them")
    finally:
        for p in procs:
            p.stop()
        line_api.close()
    for web in (a, b):
        for line in web.lines():
            if line.startswith("{"):
                assert json.loads(line)["request_id"]

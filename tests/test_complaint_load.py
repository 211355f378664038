"""50 people filing at once: 50 complaints, 50 distinct codes, none lost, none doubled — on every
database the tests run on."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bot.complaints.models import Complaint, ComplaintReporter
from bot.outbox.models import OutboxMessage
import pytest

from tests.complaint_helpers import (CODE, smtp,  # noqa: F401
                                     wait_idle, without_web_floodgate)
from tests.complaint_helpers import settings as complaint_settings  # noqa: F401


@pytest.fixture
def settings(complaint_settings):
    """50 people behind one address (the test's): the per-address flood limits are lifted here."""
    return complaint_settings.replace(rate_limit_per_address="100000 per minute")

PEOPLE = 50
SCRIPT = ("อยากร้องเรียน", "การให้บริการ", "ยื่นคำร้องขอเอกสารไปสองสัปดาห์แล้วยังไม่ได้รับ", "เสร็จแล้ว", "ข้าม",
          "ไม่ระบุตัวตน", "ยืนยันส่งเรื่อง")


def check_all_filed(services, codes: list[str]) -> None:
    assert len(codes) == PEOPLE and len(set(codes)) == PEOPLE
    with services.db.session() as s:
        stored = set(s.scalars(select(Complaint.code)))
        assert stored == set(codes)
        assert s.scalar(select(func.count()).select_from(ComplaintReporter)) == PEOPLE
        singles = s.scalar(select(func.count()).select_from(OutboxMessage)
                           .where(OutboxMessage.purpose == "staff_alert"))
        digested = list(s.scalars(select(OutboxMessage.ref).where(OutboxMessage.purpose == "staff_digest_item")))
        # LINE group + e-mail for each; beyond the hourly number of single alerts, in one digest per target
        assert singles + len(digested) == PEOPLE * 2 and set(digested) <= stored
        assert singles < PEOPLE * 2


def over_http(app) -> list[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/api/chat"
    start = threading.Barrier(PEOPLE)

    def person(n: int) -> str:
        with requests.Session() as http:
            start.wait()
            for text in SCRIPT:
                resp = http.post(url, json={"text": text}, timeout=60)
                resp.raise_for_status()
            return CODE.search(" ".join(r["text"] for r in resp.json()["replies"])).group(0)

    try:
        with ThreadPoolExecutor(PEOPLE) as pool:
            return list(pool.map(person, range(PEOPLE)))
    finally:
        server.shutdown()


def test_fifty_people_filing_at_once(app, services):
    """Over HTTP against the running app (werkzeug, one thread per request), 50 people at once."""
    without_web_floodgate(services)
    codes = over_http(app)
    check_all_filed(services, codes)
    wait_idle(services, 30)

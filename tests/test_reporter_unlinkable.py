"""An anonymous corruption report over LINE leaves no row that ties the reporter's LINE user id to the
report: once answers are delivered they forget what they said and whom to (bot/outbox/rows.py), and both
purges delete sent rows. Every column of every table is read, as someone holding a backup would."""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from pypdf import PdfReader

from bot.complaints import service
from bot.complaints.models import Evidence
from bot.complaints.purge import purge_personal_data
from bot.housekeeping import purge
from bot.outbox.models import OutboxMessage
from bot.outbox.worker import deliver_due
from bot.storage import utcnow
from tests.complaint_helpers import LineUser, code_in, wait_idle
from tests.complaint_helpers import settings, smtp  # noqa: F401  (fixtures: staff and integrity targets)
from tests.conftest import LINE_SECRET
from tests.fakes.platform import Response
from tests.test_privacy_evidence import GPS_TEXT, every_stream, pdf_with_photo
from tests.test_reporter_protection import gps_jpeg

REPORTER = "U0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DETAILS = "ผู้อำนวยการเขตเรียกรับเงินค่าย้าย 80,000 บาท ที่ร้านกาแฟหน้าเขต"


def rows_holding(services, *needles: str) -> list[tuple[str, dict]]:
    """Every row of every table whose columns, read as text, hold all of `needles`."""
    found = []
    tables = MetaData()
    tables.reflect(services.db.engine)
    with services.db.engine.connect() as conn:
        for table in tables.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                text = " ".join(str(v) for v in row.values())
                if all(n in text for n in needles):
                    found.append((table.name, dict(row)))
    return found


def file_over_line(client, line_api, pdf: bytes | None = None) -> str:
    """An anonymous corruption report, with a PDF as its evidence when one is given."""
    reporter = LineUser(client, line_api, REPORTER, LINE_SECRET)
    for said in ("แจ้งทุจริต", DETAILS, "เสร็จแล้ว"):
        reporter.says(said)
    if pdf is not None:
        line_api.script("GET", r"^/v2/bot/message/pdf-1/content$", Response(200, pdf, "application/pdf"))
        reporter.post({"id": "pdf-1", "type": "file", "fileName": "หลักฐาน.pdf", "fileSize": len(pdf)})
        assert "1/5" in reporter.answer()
    for said in ("เสร็จแล้ว" if pdf is not None else "ข้าม", "ไม่ระบุตัวตน"):
        reporter.says(said)
    return code_in(reporter.says("ยืนยันส่งเรื่อง"))


def test_after_delivery_no_row_ties_the_line_account_to_the_code_or_the_details(client, services, line_api):
    code = file_over_line(client, line_api, pdf_with_photo(gps_jpeg()))
    wait_idle(services)
    deliver_due(services)
    assert rows_holding(services, code)  # the report is kept ...
    assert rows_holding(services, REPORTER, code) == []  # ... but nothing ties it to the account
    assert rows_holding(services, REPORTER, "80,000") == []
    with services.db.session() as s:
        answers = list(s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "answer")))
    assert answers and {(a.status, a.target, str(a.payload)) for a in answers} == {("sent", "", "{}")}
    with services.db.session() as s:  # and the PDF it carried keeps no trace of the photo's camera or place
        [evidence] = s.scalars(select(Evidence)).all()
    stored = (Path(services.settings.evidence_dir) / evidence.path).read_bytes()
    everything = stored + every_stream(PdfReader(io.BytesIO(stored)))
    assert not [tag for tag in GPS_TEXT if tag in everything] and not evidence.may_carry_metadata


def test_a_status_update_reaches_the_reporter_and_is_forgotten_once_sent(client, services, line_api):
    code = file_over_line(client, line_api)
    service.set_status(services, code, "in_progress", "รับเรื่องไว้ตรวจสอบแล้ว")
    wait_idle(services)
    deliver_due(services)
    [notice] = [r for r in line_api.calls("POST", r"/push$") if r.json["to"] == REPORTER
                and code in str(r.body.decode())]
    assert notice
    assert rows_holding(services, REPORTER, code) == []


@pytest.mark.parametrize("which", ["housekeeping", "personal data"])
def test_both_purges_delete_sent_answers(client, services, line_api, which):
    file_over_line(client, line_api)
    wait_idle(services)
    deliver_due(services)
    later = utcnow() + timedelta(days=2)
    if which == "housekeeping":
        purge(services.db, timedelta(days=30), now=later, history_ttl=timedelta(minutes=30))
    else:
        purge_personal_data(services, timedelta(days=365), now=later)
    with services.db.session() as s:
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent")).all() == []

"""The staff command line, a contract other checks rely on: list, show, set-status, stats, purge,
staff groups and the outbox worker."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.complaints import service
from bot.complaints.models import Complaint, ComplaintReporter, Evidence
from bot.outbox.models import OutboxMessage
from bot.storage.models import ChatGroup
from tests.complaint_helpers import (STAFF_GROUP, Person, code_in, push_texts, said,  # noqa: F401
                                     settings, smtp, wait_idle)


@pytest.fixture
def cli(settings, monkeypatch, capsys):
    """Run `python -m bot ...` in-process against the test database and fakes; returns (exit code, stdout)."""
    env = {"DATABASE_URL": settings.database_url, "CONTENT_DIR": str(settings.content_dir),
           "SECRET_KEY": settings.secret_key,  # the bot's: it keyed the reporter's sealed address
           "EVIDENCE_DIR": str(settings.evidence_dir), "LINE_CHANNEL_SECRET": settings.line_channel_secret,
           "LINE_CHANNEL_ACCESS_TOKEN": settings.line_channel_access_token,
           "LINE_API_BASE_URL": settings.line_api_base_url, "LINE_DATA_API_BASE_URL": settings.line_data_api_base_url,
           "FACEBOOK_APP_SECRET": settings.facebook_app_secret,
           "FACEBOOK_PAGE_ACCESS_TOKEN": settings.facebook_page_access_token,
           "FACEBOOK_GRAPH_BASE_URL": settings.facebook_graph_base_url,
           "STAFF_LINE_TARGETS": ",".join(settings.staff_line_targets), "SMTP_URL": settings.smtp_url,
           "ALERT_EMAILS": ",".join(settings.alert_emails)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def run(*argv: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(argv))
        return code, capsys.readouterr().out

    return run


def file_named_and_anonymous(bot) -> tuple[Person, str, str]:
    anon = Person(bot, "U-anon-cli")
    anon_code = code_in(anon.files_anonymous_corruption())
    named = Person(bot, "U-named-cli")
    for text in ("ร้องเรียนการให้บริการ", "รอเอกสารนานเกินกำหนด", "เสร็จแล้ว", "ข้าม", "ระบุชื่อและเบอร์โทร",
                 "ยินยอม", "มานี มีนา", "0899999999"):
        named.says(text)
    return anon, anon_code, code_in(named.says("ยืนยันส่งเรื่อง"))


def test_list_and_show_give_staff_everything_but_the_reporters_account(bot, services, cli):
    anon, anon_code, named_code = file_named_and_anonymous(bot)
    status, out = cli("complaints", "list", "--json")
    listed = json.loads(out)
    assert status == 0 and [c["code"] for c in listed] == [anon_code, named_code]
    for item in listed:
        assert {"code", "category", "status", "anonymous", "channel", "created_at"} <= set(item)
        datetime.fromisoformat(item["created_at"])
    assert [(c["category"], c["status"], c["anonymous"], c["channel"]) for c in listed] == [
        ("corruption", "received", True, "line"), ("service", "received", False, "line")]
    assert "U-anon-cli" not in out and "U-named-cli" not in out

    status, out = cli("complaints", "show", anon_code, "--json")
    shown = json.loads(out)
    assert shown["reporter"] is None and shown["evidence"][0]["mime"] == "image/jpeg"
    assert Path(shown["evidence"][0]["file"]).is_file()
    assert [h["status"] for h in shown["history"]] == ["received"]
    assert "U-anon-cli" not in out
    status, out = cli("complaints", "show", named_code, "--json")
    assert json.loads(out)["reporter"] == {"name": "มานี มีนา", "phone": "0899999999"}
    assert "U-named-cli" not in out

    status, out = cli("complaints", "list")
    assert anon_code in out and "ไม่ระบุตัวตน" in out
    status, out = cli("complaints", "show", anon_code)
    assert "เรียกรับเงิน" in out and "ไม่ระบุตัวตน" in out
    assert cli("complaints", "show", "CR-9999-9999")[0] == 1
    status, out = cli("complaints", "list", "--status", "resolved", "--json")
    assert json.loads(out) == []


def test_set_status_notifies_the_reporter(bot, services, cli, line_api):
    anon, code, _ = file_named_and_anonymous(bot)
    wait_idle(services)
    status, out = cli("complaints", "set-status", code, "in_progress", "--note", "ตั้งกรรมการสอบข้อเท็จจริงแล้ว")
    assert status == 0 and "sent now: 1" in out
    notice = push_texts(line_api, anon.user_id)
    assert code in notice and "ตั้งกรรมการสอบข้อเท็จจริงแล้ว" in notice
    status, out = cli("complaints", "list", "--status", "in_progress", "--json")
    assert [c["code"] for c in json.loads(out)] == [code]
    assert cli("complaints", "set-status", "CR-9999-9999", "resolved")[0] == 1


def test_stats_by_month_category_status_and_days_to_close(services, cli):
    t = lambda *a: datetime(*a, tzinfo=timezone.utc)  # noqa: E731
    filed = [("corruption", t(2024, 1, 10, 3)), ("service", t(2024, 1, 20, 3)), ("service", t(2024, 3, 5, 3)),
             ("school", t(2023, 12, 31, 18))]  # 1 January 2024, 01:00 in Thailand
    codes = [service.file_complaint(services, service.Draft(key=f"d{n}", category=cat, details=["x"]), "line",
                                    f"U{n}", now=at).code for n, (cat, at) in enumerate(filed)]
    service.set_status(services, codes[0], "resolved", now=t(2024, 1, 13, 3))
    service.set_status(services, codes[1], "rejected", now=t(2024, 1, 21, 15))
    status, out = cli("complaints", "stats", "--year", "2567", "--json")
    stats = json.loads(out)
    assert stats["total"] == 4 and list(stats["by_month"]) == [f"2024-{m:02d}" for m in range(1, 13)]
    assert stats["by_month"]["2024-01"] == 3 and stats["by_month"]["2024-03"] == 1
    assert stats["by_category"] == {"corruption": 1, "school": 1, "service": 2}
    assert stats["by_status"] == {"received": 2, "rejected": 1, "resolved": 1}
    assert stats["closed"] == 2 and stats["mean_days_to_close"] == 2.25  # 3 days and 1.5 days

    status, out = cli("complaints", "stats", "--year", "2024", "--csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["section", "key", "value"] and ["by_category", "service", "2"] in table
    assert ["mean_days_to_close", "", "2.25"] in table
    status, out = cli("complaints", "stats", "--year", "2567", "--fiscal", "--json")
    fiscal = json.loads(out)  # October 2023 to September 2024
    assert list(fiscal["by_month"])[0] == "2023-10" and fiscal["total"] == 4
    status, out = cli("complaints", "stats", "--year", "2024")
    assert "4 เรื่อง" in out and "เฉลี่ย 2.25 วัน" in out


def test_purge_removes_personal_data_of_old_closed_complaints_and_keeps_the_record(bot, services, cli):
    anon, anon_code, named_code = file_named_and_anonymous(bot)
    open_one = code_in(Person(bot, "U-open").files_anonymous_corruption())
    long_ago = datetime.now(timezone.utc) - timedelta(days=400)
    for code in (anon_code, named_code):
        service.set_status(services, code, "resolved", now=long_ago)
    before = json.loads(cli("complaints", "stats", "--json")[1])
    files = [Path(e["file"]) for c in (anon_code, open_one)
             for e in json.loads(cli("complaints", "show", c, "--json")[1])["evidence"]]
    assert all(f.is_file() for f in files)

    status, out = cli("complaints", "purge-personal-data", "--older-than", "365")
    assert status == 0 and "2 closed complaint(s)" in out
    with services.db.session() as s:
        named = service.load(s, named_code)
        assert named.reporter_name is None and named.reporter_phone is None and named.purged_at is not None
        assert named.details and named.code == named_code  # the anonymised record stays
        links = {r.complaint_id for r in s.scalars(select(ComplaintReporter))}
        kept = s.scalar(select(Complaint.id).where(Complaint.code == open_one))
        assert links == {kept}
        [gone] = s.scalars(select(Evidence).join(Complaint).where(Complaint.code == anon_code)).all()
        assert gone.path is None and gone.size > 0
        rows = list(s.scalars(select(OutboxMessage)))
        alerts = "".join(str(o.payload) for o in rows)
        assert "มานี มีนา" not in alerts and "0899999999" not in alerts
        assert {o.ref for o in rows} == {open_one}  # the purged complaints' alerts and notices are gone
    assert not files[0].exists() and files[1].is_file()  # an open complaint keeps its evidence
    assert json.loads(cli("complaints", "stats", "--json")[1]) == before
    shown = said(anon.says(anon_code))  # the link to the reporter is gone: the code shows what it shows anyone
    assert "แสดงเฉพาะสถานะ" in shown and "ทุจริต" not in shown
    assert "0 closed complaint(s)" in cli("complaints", "purge-personal-data", "--older-than", "365")[1]


def test_staff_groups_lists_the_groups_the_bot_joined(services, cli):
    with services.db.session() as s:
        s.add(ChatGroup(channel="line", group_id=STAFF_GROUP, kind="group"))
        s.add(ChatGroup(channel="line", group_id="Cgone", kind="group", active=False))
    status, out = cli("staff", "groups", "--json")
    assert [(g["group_id"], g["alert_target"]) for g in json.loads(out)] == [(STAFF_GROUP, True)]
    assert "Cgone" in cli("staff", "groups", "--all")[1]


def test_outbox_worker_once_and_list(bot, services, cli, line_api):
    line_api.fail("POST", r"/push$", status=503, times=1)
    code_in(Person(bot, "U-worker").files_anonymous_corruption(image=False))
    wait_idle(services)
    status, out = cli("outbox", "list", "--status", "pending", "--json")
    [pending] = json.loads(out)
    assert pending["channel"] == "line" and pending["target"] == STAFF_GROUP and "503" in pending["last_error"]
    with services.db.session() as s:  # as if the backoff had run out
        s.get(OutboxMessage, pending["id"]).next_attempt_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    status, out = cli("outbox", "run", "--once")
    assert status == 0 and "sent 1" in out
    assert json.loads(cli("outbox", "list", "--status", "pending", "--json")[1]) == []

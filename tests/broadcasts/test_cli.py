"""`python -m bot broadcast ...`: the contract other checks rely on, and the messages staff get."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

from .conftest import one_backend, sqlite_only

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"scheduled", "sending", "sent", "cancelled", "failed", "missed"}


def _env(settings) -> dict[str, str]:
    return {"DATABASE_URL": settings.database_url, "CONTENT_DIR": str(settings.content_dir),
            "LINE_CHANNEL_SECRET": settings.line_channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": settings.line_channel_access_token,
            "LINE_API_BASE_URL": settings.line_api_base_url,
            "FACEBOOK_APP_SECRET": settings.facebook_app_secret,
            "FACEBOOK_PAGE_ACCESS_TOKEN": settings.facebook_page_access_token,
            "FACEBOOK_GRAPH_BASE_URL": settings.facebook_graph_base_url}


@pytest.fixture
def cli(settings, monkeypatch, capsys):
    for key, value in _env(settings).items():
        monkeypatch.setenv(key, value)

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(["broadcast", *argv])
        except SystemExit as exc:  # argparse
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@one_backend
def test_create_prints_just_the_id_and_list_json_has_the_contract_fields(settings):
    env = {**os.environ, **_env(settings), "PYTHAINLP_OFFLINE": "1"}
    created = subprocess.run([sys.executable, "-m", "bot", "broadcast", "create", "--text", "ประชุมผู้บริหาร",
                              "--title", "แจ้งประชุม", "--at", "2030-06-03T09:00", "--channels", "line,facebook"],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    assert re.fullmatch(r"\d+\n", created.stdout)
    listed = subprocess.run([sys.executable, "-m", "bot", "broadcast", "list", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["id"] == int(created.stdout) and row["status"] == "scheduled"
    assert row["next_run"] == "2030-06-03T09:00:00+07:00" and row["channels"] == ["line", "facebook"]


@sqlite_only
def test_staff_workflow(cli, line_api):
    code, out, _ = cli("create", "--text", "ขอเชิญส่งผลงาน", "--title", "ประกวดนวัตกรรม", "--cron", "0 9 * * 1",
                       "--channels", "line", "--segment", "teachers", "--topics", "ประกวด, นวัตกรรม",
                       "--link", "https://www.sesaop.go.th/contest", "--image-url", "https://www.sesaop.go.th/c.png")
    assert code == 0
    weekly = int(out)
    code, out, _ = cli("create", "--text", "ข่าวด่วน", "--at", "2030-01-01T08:00")
    once = int(out)
    code, out, _ = cli("edit", str(weekly), "--cron", "0 8 * * 5", "--image-url", "")
    assert code == 0 and "แก้ไขประกาศหมายเลข" in out
    code, out, _ = cli("preview", str(weekly))
    shown = json.loads(out)
    flex = shown["line"]["messages"][0]
    assert flex["type"] == "flex" and flex["altText"] == "ประกวดนวัตกรรม\nขอเชิญส่งผลงาน"
    assert "hero" not in flex["contents"]
    assert shown["line"]["audience"] == {"kind": "multicast", "segment": "teachers", "followers": 0}
    code, out, _ = cli("preview", str(once))
    assert json.loads(out)["facebook"]["messages"][0]["attachment"]["payload"]["template_type"] == "generic"
    code, out, err = cli("send-now", str(once))
    assert code == 0 and "เรียบร้อย" in out, err
    assert len(line_api.calls("POST", r"/broadcast$")) == 1
    code, out, _ = cli("show", str(once))
    [run] = json.loads(out)["deliveries"]
    assert run["manual"] and run["batches"][0]["retry_key"] == line_api.calls()[0].headers["x-line-retry-key"]
    code, out, _ = cli("cancel", str(weekly))
    assert code == 0
    code, out, _ = cli("list", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert (rows[weekly]["status"], rows[weekly]["next_run"]) == ("cancelled", None)
    assert rows[once]["status"] == "sent" and {r["status"] for r in rows.values()} <= STATUSES
    code, out, _ = cli("list")
    assert "cancelled" in out and "ประกวดนวัตกรรม" in out
    code, _, err = cli("cancel", str(once))
    assert code == 1 and "ส่งไปแล้ว" in err
    code, _, err = cli("send-now", "999")
    assert code == 1 and "ไม่พบประกาศหมายเลข 999" in err


BAD_INPUT = [
    (["--text", "ข่าว", "--at", "2030-13-01T09:00"], "เดือน 13 ไม่ถูกต้อง"),
    (["--text", "ข่าว", "--at", "2030-06-01"], "ไม่ถูกรูปแบบ"),
    (["--text", "ข่าว", "--at", "2020-01-01T09:00"], "ผ่านไปแล้ว"),
    (["--text", "ข่าว", "--cron", "0 9 * * * *"], "5 ช่อง"),
    (["--text", "ข่าว", "--cron", "61 9 * * *"], "ไม่ถูกต้อง"),
    (["--text", "ข่าว", "--at", "2030-01-01T09:00", "--channels", "line,telegram"], "ไม่รู้จักช่องทาง telegram"),
    (["--text", "  ", "--at", "2030-01-01T09:00"], "ข้อความว่าง"),
    (["--text", "ก" * 5001, "--at", "2030-01-01T09:00"], "5,000"),
    (["--text", "ข่าว", "--at", "2030-01-01T09:00", "--link", "www.sesaop.go.th"], "http"),
]


@sqlite_only
def test_bad_input_is_explained(cli):
    for args, message in BAD_INPUT:
        code, out, err = cli("create", *args)
        assert (code, out) == (2, ""), args
        assert message in err and err.startswith("ข้อมูลประกาศไม่ถูกต้อง"), (args, err)
    assert json.loads(cli("list", "--json")[1]) == []


@sqlite_only
def test_exactly_one_of_at_or_cron(cli):
    assert cli("create", "--text", "ข่าว")[0] == 2
    assert cli("create", "--text", "ข่าว", "--at", "2030-01-01T09:00", "--cron", "0 9 * * 1")[0] == 2

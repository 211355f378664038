"""Staff type Buddhist-era years (2569) as often as Common-Era ones (2026): an announcement's time is the
same instant either way, shown back in BE; a year that is neither (3112, a BE year converted twice) is
refused with the reason, and nothing is saved."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.broadcasts import service
from tests.console_helpers import console, console_app, post  # noqa: F401

from .test_cli import cli  # noqa: F401

TOMORROW_MORNING = "2569-12-08T09:00"  # Thailand time, Buddhist era
INSTANT = datetime(2026, 12, 8, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def a_week_before(monkeypatch):
    """The command line's clock on 1 December 2026, so that 8 December is still ahead."""
    monkeypatch.setattr("bot.broadcasts.cli.utcnow", lambda: datetime(2026, 12, 1, 3, tzinfo=timezone.utc))


def test_a_buddhist_era_time_is_the_right_instant_and_is_shown_in_buddhist_era(cli, bsvc, console, a_week_before):
    code, out, err = cli("create", "--text", "ประชุมผู้บริหารสถานศึกษา", "--at", TOMORROW_MORNING)
    assert code == 0, err
    be = int(out)
    code, out, err = cli("create", "--text", "ประชุมผู้บริหารสถานศึกษา (ค.ศ.)", "--at", "2026-12-08T09:00")
    assert code == 0, err
    ce = int(out)
    assert service.get(bsvc, be).run_at == service.get(bsvc, ce).run_at == INSTANT

    rows = {r["id"]: r for r in json.loads(cli("list", "--json")[1])}
    assert rows[be]["next_run"] == "2026-12-08T09:00:00+07:00"
    assert rows[be]["next_run_th"] == "8 ธันวาคม 2569 09:00 น."
    assert "2569-12-08 09:00" in cli("list")[1]
    listing = console.get("/console/broadcasts/").get_data(as_text=True)
    assert listing.count("ส่ง 8 ธันวาคม 2569 09:00 น.") == 2 and "3112" not in listing

    code, out, _ = cli("edit", str(be), "--at", "2569-12-09T10:30")
    assert code == 0 and "9 ธันวาคม 2569 10:30 น." in out
    assert service.get(bsvc, be).run_at == datetime(2026, 12, 9, 3, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("at", ["3112-12-08T09:00", "2400-12-08T09:00"])
def test_a_year_in_neither_era_is_refused_and_nothing_is_saved(cli, a_week_before, at):
    code, out, err = cli("create", "--text", "ประชุมผู้บริหารสถานศึกษา", "--at", at)
    assert (code, out) == (2, "")
    assert f"ปี {at[:4]} อยู่นอกช่วงที่ใช้ได้" in err and "2569" in err
    assert json.loads(cli("list", "--json")[1]) == []


def test_the_console_picker_reads_the_buddhist_era_and_refuses_a_year_in_neither(console, bsvc):
    form = {"text": "ประชุมผู้ปกครอง", "repeat": "none", "channel_line": "on",
            "at_d": "8", "at_m": "12", "at_y": "2573", "at_hh": "9", "at_mm": "0"}
    wrong = post(console, "/console/broadcasts/", {**form, "at_y": "3112"})
    assert wrong.status_code == 400 and "ปี 3112 อยู่นอกช่วงที่ใช้ได้" in wrong.get_data(as_text=True)
    assert service.list_broadcasts(bsvc) == []
    created = post(console, "/console/broadcasts/", form)
    assert created.status_code == 302
    [row] = service.list_broadcasts(bsvc)
    assert row["next_run"] == "2030-12-08T09:00:00+07:00"
    assert "ส่ง 8 ธันวาคม 2573 09:00 น." in console.get("/console/broadcasts/").get_data(as_text=True)

"""Every date or year a person types is read by one parser (`bot.thaitime`): a Buddhist-era year (2569) and
a Common-Era one (2026) mean the same, and a year that is neither (3112: a BE year converted twice) is
refused with the reason, on the command line and in the console alike."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bot.complaints.stats import Period
from bot.thaitime import BANGKOK, BE_OFFSET, BadDate, parse_be_year, parse_date, parse_year
from tests.complaint_helpers import settings, smtp  # noqa: F401
from tests.console_helpers import console, console_app  # noqa: F401
from tests.test_complaint_cli import cli  # noqa: F401

WRONG = "ปี 3112 อยู่นอกช่วงที่ใช้ได้"


def test_either_era_reads_as_the_same_day_and_neither_is_refused():
    assert parse_date("2569-12-08") == parse_date("2026-12-08") == date(2026, 12, 8)
    assert parse_year("2569") == parse_year("2026") == 2026
    for typed in ("3112-12-08", "2400-01-01", "0999-01-01"):
        with pytest.raises(BadDate, match="อยู่นอกช่วงที่ใช้ได้"):
            parse_date(typed)
    with pytest.raises(BadDate, match="ไม่มีวันที่ 30 กุมภาพันธ์ 2569"):
        parse_date("2569-02-30")


@pytest.mark.parametrize("argv", [
    ("complaints", "stats", "--year", "3112"),
    ("feedback", "stats", "--year", "3112"),
    ("audit", "list", "--since", "3112-01-01"),
    ("evidence", "--fiscal-year", "3112"),
])
def test_the_command_line_refuses_a_year_in_neither_era(cli, capsys, argv):
    with pytest.raises(SystemExit) as refused:
        cli(*argv)
    assert refused.value.code == 2 and WRONG in capsys.readouterr().err


def test_the_command_line_reads_either_era(cli):
    assert json.loads(cli("feedback", "stats", "--year", "2569", "--json")[1]) == \
        json.loads(cli("feedback", "stats", "--year", "2026", "--json")[1])
    be = json.loads(cli("evidence", "--fiscal-year", "2569", "--json")[1])
    ce = json.loads(cli("evidence", "--fiscal-year", "2026", "--json")[1])
    assert (ce["fiscal_year"], ce["from"], ce["to"]) == (be["fiscal_year"], be["from"], be["to"]) == \
        (2569, "2025-10-01", "2026-10-01")
    assert cli("evidence", "--fiscal-year", "2569", "--from", "2568-10-01", "--to", "3112-03-31")[0] == 1


def test_the_complaint_filter_refuses_a_year_in_neither_era(console):
    page = console.get("/console/complaints/?since_d=1&since_m=10&since_y=3112").get_data(as_text=True)
    assert WRONG in page
    page = console.get("/console/complaints/?since_d=1&since_m=10&since_y=2569").get_data(as_text=True)
    assert "อยู่นอกช่วงที่ใช้ได้" not in page and 'value="2569" selected' in page


def test_thai_digits_and_the_short_buddhist_era_year_are_read_as_offices_write_them():
    assert parse_year("69") == parse_year("๒๕๖๙") == parse_year("๖๙") == parse_year(" 2026 ") == 2026
    assert parse_be_year("68") == parse_be_year("๒๕๖๘") == parse_be_year("2025") == 2568
    assert parse_date("๒๕๖๙-๑๒-๐๘") == date(2026, 12, 8)
    assert Period.parse("69", fiscal=True) == Period.parse(2026, fiscal=True) == Period(2026, True)
    for typed in ("2569.5", "-69", "๒๕๖๙x", "٢٠٢٦", "6"):
        with pytest.raises(BadDate):
            parse_year(typed)
    with pytest.raises(BadDate, match="ไม่ถูกรูปแบบ"):
        parse_date("69-12-08")  # a date's year has four digits: "01-02-03" could be read either way


@pytest.mark.parametrize("typed", ["2565", "2022", "65", "๒๕๖๕"])
def test_ita_add_year_reads_the_year_in_either_era(cli, services, typed):
    from tests.test_ita_add_year import SCORES, stored_years

    status, out = cli("ita", "add-year", typed, "--scores", SCORES, "--like", "2021")
    assert status == 0 and "ITA 2565 stored" in out
    assert stored_years(services) == [(2565,)]


def test_ita_add_year_refuses_a_year_in_neither_era(cli, capsys, services):
    from tests.test_ita_add_year import SCORES, stored_years

    with pytest.raises(SystemExit) as refused:
        cli("ita", "add-year", "3112", "--scores", SCORES)
    assert refused.value.code == 2 and WRONG in capsys.readouterr().err
    assert stored_years(services) == []


def test_complaint_stats_read_the_year_in_either_era(cli, bot):
    from tests.test_console_inbox import file_service_complaint

    file_service_complaint(bot, "U-years-1", "ขอเอกสารรับรองมาสามสัปดาห์ยังไม่ได้")
    this_year = datetime.now(BANGKOK).year
    be, ce = this_year + BE_OFFSET, this_year
    runs = [json.loads(cli("complaints", "stats", "--year", typed, "--json")[1])
            for typed in (str(be), str(ce), str(be)[2:], str(be).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")))]
    assert all(r == runs[0] for r in runs) and runs[0]["total"] == 1 and runs[0]["period"] == f"ปี {be} ({ce})"
    fiscal = json.loads(cli("complaints", "stats", "--year", str(be + 1)[2:], "--fiscal", "--json")[1])
    assert fiscal["period"] == f"ปีงบประมาณ {be + 1}"
    assert json.loads(cli("complaints", "stats", "--year", str(be - 1), "--json")[1])["total"] == 0

"""Every date or year a person types is read by one parser (`bot.thaitime`): a Buddhist-era year (2569) and
a Common-Era one (2026) mean the same, and a year that is neither (3112: a BE year converted twice) is
refused with the reason, on the command line and in the console alike."""
from __future__ import annotations

import json
from datetime import date

import pytest

from bot.thaitime import BadDate, parse_date, parse_year
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

"""A new ITA year from the command line: structure copied from the latest year, every figure computed by
scoring/, refused when the published figures disagree, and answered by a running app without a restart."""
from __future__ import annotations

from sqlalchemy import text

from bot.charts import chart
from bot.office_answers import live
from tests.office_helpers import cli  # noqa: F401

SCORES = "1=90,2=91,3=92,4=93,5=94,6=95,7=96,8=97,9=98,10=99"  # IIT 27.60 + EIT 28.80 + OIT 39.40


def stored_years(services) -> list:
    with services.db.engine.connect() as c:
        return list(c.execute(text("SELECT year FROM ita_year")))


def test_a_published_total_that_the_scores_do_not_give_is_refused(services, cli):
    status, out = cli("ita", "add-year", "2565", "--scores", SCORES, "--published-total", "95.00")
    assert status == 1 and "95.00" in out and "95.80" in out and "nothing stored" in out
    status, out = cli("ita", "add-year", "2565", "--scores", SCORES, "--published-total", "95.80",
                      "--published-level", "A")
    assert status == 1 and "published A, computed AA" in out
    status, out = cli("ita", "add-year", "2565", "--scores", "1=90,2=91")
    assert status == 1 and "missing 3, 4, 5, 6, 7, 8, 9, 10" in out
    status, out = cli("ita", "add-year", "2564", "--scores", SCORES)
    assert status == 1 and "already there" in out
    assert stored_years(services) == []


def test_a_running_app_answers_the_added_year_and_charts_it(app, client, services, cli):
    before = client.post("/api/chat", json={"text": "ITA ปี 2565"}).get_json()
    assert "95.80" not in str(before)
    status, out = cli("ita", "add-year", "2565", "--scores", SCORES, "--published-total", "95.81",
                      "--published-level", "AA")
    assert status == 0 and "total 95.80, level AA" in out
    live.of(services).check_every = 0  # the app's next look at the revision is due (seconds, in production)
    replies = client.post("/api/chat", json={"text": "ITA ปี 2565"}).get_json()["replies"]
    shown = " ".join(r.get("text") or r.get("alt_text") or "" for r in replies)
    assert "2565" in shown and "95.80" in shown and "AA" in shown
    assert "2565 ได้ 95.80 (AA)" in chart(services.content, "trend").alt_text
    assert client.get("/charts/trend.png").status_code == 200
    assert stored_years(services) == [(2565,)]

"""The scoring module reproduces every figure of the office's ITA report from the raw indicator scores."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import ContentError, check, grade, history, load_ita, plan_to_level, structured, what_if, year_result
from scoring.summary import english, long_th, short_th

ROOT = Path(__file__).resolve().parent.parent
D = Decimal


@pytest.fixture(scope="module")
def ita():
    return load_ita(ROOT / "content")


@pytest.mark.content  # the real office's figures
def test_2564_tool_subtotals_total_level_and_pass(ita):
    r = year_result(ita, 2564)
    assert {k: f"{t.score:.2f}" for k, t in r.tools.items()} == {"IIT": "29.65", "EIT": "27.20", "OIT": "36.38"}
    assert r.total == D("93.23")
    assert (r.grade.level, r.grade.passed) == ("A", True)
    assert {k: int(t.weight) for k, t in r.tools.items()} == {"IIT": 30, "EIT": 30, "OIT": 40}


@pytest.mark.content  # the real office's figures
def test_ranking_in_the_reports_order_with_levels(ita):
    ranking = [(i.number, f"{i.score:.2f}", i.level) for i in year_result(ita, 2564).ranking]
    assert ranking == [
        (5, "99.70", "AA"), (1, "99.60", "AA"), (3, "99.55", "AA"), (4, "99.01", "AA"), (2, "96.27", "AA"),
        (6, "95.35", "AA"), (10, "93.75", "A"), (7, "89.54", "A"), (9, "88.14", "A"), (8, "87.12", "A"),
    ]


@pytest.mark.content  # the real office's figures
def test_strongest_weakest_and_below_the_office_target(ita):
    r = year_result(ita, 2564)
    assert (r.strongest.number, r.strongest.name) == (5, "การแก้ไขปัญหาการทุจริต")
    assert (r.weakest.number, r.weakest.score) == (8, D("87.12"))
    assert [i.number for i in r.below_target] == [7, 9, 8]
    assert sum(1 for i in r.indicators if i.tool == "IIT" and i.gap_to_target >= 0) == 5


@pytest.mark.content  # the real office's figures
def test_yearly_table_differences_directions_and_levels(ita):
    rows = [(r.year, f"{r.total:.2f}", r.grade.level,
             f"{abs(r.previous.difference):.2f}" if r.previous else None,
             r.previous.direction if r.previous else None) for r in history(ita)]
    assert rows == [
        (2560, "77.73", "สูง", None, None),
        (2561, "85.74", "สูงมาก", "8.01", "up"),
        (2562, "84.74", "B", "1.00", "down"),
        (2563, "83.82", "B", "0.92", "down"),
        (2564, "93.23", "A", "9.41", "up"),
    ]


@pytest.mark.content  # the real office's figures
def test_national_average_comparison(ita):
    n = year_result(ita, 2564).national
    assert (n.offices, n.score, n.difference, n.direction) == (225, D("92.55"), D("0.68"), "up")


@pytest.mark.content  # the real office's figures
def test_check_reports_the_oit_table_mismatch_only(ita):
    mismatches = check(ita)
    assert [(m.year, m.figure, m.published, m.computed) for m in mismatches] == [
        (2564, "tools.OIT", "36.75", "36.38")]


@pytest.mark.content  # the real office's figures
def test_what_if_changes_total_and_level(ita):
    r = what_if(ita, 2564, {8: D(95), 7: D(92)})
    # EIT mean (95.35 + 92 + 95) / 3 × 0.3 = 28.235 → total 94.26
    assert r.total == D("94.26") and r.grade.level == "A"
    assert what_if(ita, 2564, {n: D(100) for n in range(1, 11)}).total == D("100.00")
    with pytest.raises(ValueError):
        what_if(ita, 2564, {8: D(101)})


@pytest.mark.content  # the real office's figures
def test_plan_to_aa_lifts_the_weakest_just_enough(ita):
    plan = plan_to_level(ita, 2564, "AA")
    assert plan.reachable and plan.result.grade.level == "AA"
    assert [r.number for r in plan.raises] == [8, 9, 7]
    lower = {r.number: plan.floor - D("0.01") for r in plan.raises}
    assert what_if(ita, 2564, lower).grade.level == "A", "the floor is the smallest that works"
    assert plan_to_level(ita, 2564).target_level == "AA", "the default target is the next level"


@pytest.mark.content  # the real office's figures
def test_plan_starts_from_changed_scores(ita):
    published = plan_to_level(ita, 2564, "AA")
    weakest = published.raises[0].number
    plan = plan_to_level(ita, 2564, "AA", changes={weakest: D(100)})
    assert plan.reachable and plan.result.grade.level == "AA" and plan.result.indicator(weakest).score == D(100)
    assert plan.floor < published.floor and weakest not in [r.number for r in plan.raises]


@pytest.mark.content  # the real office's figures
def test_years_without_detail_use_published_figures(ita):
    data = structured(year_result(ita, 2562))
    assert data["tools"] == {} and data["indicators"] == []
    assert (data["total"], data["level"], data["passed"]) == (84.74, "B", False)
    assert structured(year_result(ita, 2560))["passed"] is None  # the five-level scale had no pass mark


@pytest.mark.content  # the real office's figures
def test_summaries_carry_the_computed_figures(ita):
    r = year_result(ita, 2564)
    assert "93.23" in short_th(r) and "ระดับ A" in short_th(r) and "9.41" in short_th(r)
    assert "36.38" in long_th(r) and "36.75" not in long_th(r)
    assert "93.23" in english(r) and "level A" in english(r) and "2021" in english(r)


@pytest.mark.parametrize("score, level", [
    ("100", "AA"), ("95.00", "AA"), ("94.99", "A"), ("85.00", "A"), ("84.99", "B"), ("75.00", "B"),
    ("74.99", "C"), ("65.00", "C"), ("64.99", "D"), ("55.00", "D"), ("54.99", "E"), ("50.00", "E"),
    ("49.99", "F"), ("0", "F")])
def test_letter_scale_boundaries(ita, score, level):
    g = grade(ita, 2564, D(score))
    assert g.level == level and g.passed == (D(score) >= 85)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_letter_scale_is_monotone_and_passes_from_85(score):
    ita = load_ita(ROOT / "content")
    order = ["F", "E", "D", "C", "B", "A", "AA"]
    g, above = grade(ita, 2564, score), grade(ita, 2564, min(score + D("0.01"), D(100)))
    assert order.index(above.level) >= order.index(g.level)
    assert g.passed == (score >= 85)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_five_level_scale_bands(score):
    ita = load_ita(ROOT / "content")
    expected = ("สูงมาก" if score >= 80 else "สูง" if score >= 60 else "ปานกลาง" if score >= 40
                else "ต่ำ" if score >= 20 else "ต่ำมาก")
    assert grade(ita, 2560, score).level == expected


def test_weights_sum_to_100_every_detailed_year(ita):
    for y in ita.years.values():
        if y.indicators:
            assert sum(t.weight for t in y.tools.values()) == 100


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=10, max_size=10))
def test_total_is_the_weighted_mean_of_tool_means(scores):
    ita = load_ita(ROOT / "content")
    r = what_if(ita, 2564, dict(zip(range(1, 11), scores)))
    iit, eit, oit = sum(scores[:5]) / 5, sum(scores[5:8]) / 3, sum(scores[8:]) / 2
    assert abs(r.total - (iit * D("0.3") + eit * D("0.3") + oit * D("0.4"))) <= D("0.005")
    assert D(0) <= r.total <= D(100)


def test_a_wrong_field_fails_with_a_readable_message(tmp_path):
    shutil.copytree(ROOT / "content" / "ita", tmp_path / "ita")
    path = tmp_path / "ita" / "2564.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("score: 87.12", "score: สูง"), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_ita(tmp_path)
    message = str(err.value)
    assert "2564.yaml" in message and "indicators.7.score" in message and "สูง" in message


def test_weights_not_summing_to_100_are_refused(tmp_path):
    shutil.copytree(ROOT / "content" / "ita", tmp_path / "ita")
    path = tmp_path / "ita" / "2564.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 40", "weight: 45"), encoding="utf-8")
    with pytest.raises(ContentError, match="sum to 100"):
        load_ita(tmp_path)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scoring", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False)


@pytest.mark.content  # the real office's figures
def test_cli_report_json_contract():
    out = run_cli("report", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["year"], data["total"], data["level"], data["passed"]) == (2564, 93.23, "A", True)
    assert data["tools"]["IIT"]["score"] == 29.65 and data["tools"]["IIT"]["weight"] == 30
    assert data["tools"]["OIT"]["score"] == 36.38
    first = data["indicators"][0]
    assert {k: first[k] for k in ("number", "name", "score", "level", "tool")} == {
        "number": 1, "name": "การปฏิบัติหน้าที่", "score": 99.6, "level": "AA", "tool": "IIT"}
    assert data["previous"] == {**data["previous"], "year": 2563, "total": 83.82, "difference": 9.41}


@pytest.mark.content  # the real office's figures
def test_cli_check_what_if_and_english():
    assert "36.75" in run_cli("check").stdout
    out = run_cli("what-if", "2564", "8=95", "7=92").stdout
    assert "94.26" in out
    assert "AA" in run_cli("what-if", "2564", "--to", "AA").stdout
    assert "93.23" in run_cli("report", "--lang", "en").stdout
    missing = run_cli("report", "2550")
    assert missing.returncode == 1 and "2564" in missing.stderr

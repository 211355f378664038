"""`python -m bot content check`: the real office and the test office pass; a broken copy fails with lines
naming the file and the field; the app refuses at start-up the content whose intents have no handler or
whose category lists disagree."""
from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentError
from bot.content.check import check, refuse_inconsistent, structural_problems
from bot.core.conversation import Router
from bot.handlers import build_router
from tests.conftest import CONTENT, FIXTURE_OFFICE, ROOT


def content_check(capsys, directory: Path) -> tuple[int, str]:
    status = main(["content", "check", "--content", str(directory)])
    out = capsys.readouterr()
    return status, out.out + out.err


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the test office to break (its nlu/ link is copied as files)."""
    target = tmp_path / "office"
    shutil.copytree(FIXTURE_OFFICE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.content
def test_the_real_office_passes_and_its_misprint_is_a_note(capsys):
    status, out = content_check(capsys, CONTENT)
    assert status == 0, out
    assert "content is consistent" in out and "note: " in out and "published 36.75" in out


def test_the_test_office_passes(capsys):
    status, out = content_check(capsys, FIXTURE_OFFICE)
    assert status == 0, out
    assert "problem:" not in out and "content is consistent" in out


def test_an_intent_the_code_does_not_know_is_named_with_its_file_and_field(capsys, copy):
    edit(copy / "nlu" / "examples-chat.yaml", "intents:\n", "intents:\n  weather.today: [ฝนตกไหม, วันนี้ร้อนไหม, "
         "อากาศเป็นยังไง, พรุ่งนี้ฝนจะตกไหม, พยากรณ์อากาศ]\n")
    status, out = content_check(capsys, copy)
    assert status == 1
    assert "examples-chat.yaml: field 'intents'" in out and "weather.today" in out


def test_an_intent_without_a_handler_is_named_with_its_file_and_field():
    router = build_router()
    without_news = Router(handlers={k: h for k, h in router.handlers.items() if not k.startswith("news")},
                          flows=router.flows, fallback=router.fallback)
    problems = structural_problems(FIXTURE_OFFICE, without_news)
    assert any("examples-" in p and "field 'intents.news" in p and "no handler" in p for p in problems), problems
    assert any("coarse intent 'news' has no handler" in p for p in problems), problems
    assert structural_problems(FIXTURE_OFFICE, router) == []


def test_complaint_categories_that_disagree_are_named_in_both_files(capsys, copy):
    edit(copy / "nlu" / "entities.yaml", "  - id: staff_conduct", "  - id: conduct")
    status, out = content_check(capsys, copy)
    assert status == 1
    assert "entities.yaml: field 'categories': 'conduct' is not a category of" in out
    assert "complaints.yaml: field 'categories.2.id': 'staff_conduct'" in out


def test_a_manual_whose_id_is_not_its_file_name_is_named(capsys, copy):
    (copy / "procedures" / "teacher-transfer.yaml").rename(copy / "procedures" / "transfer.yaml")
    status, out = content_check(capsys, copy)
    assert status == 1 and "transfer.yaml: field 'id': must equal the file name 'transfer'" in out


def test_a_score_typed_wrong_shows_as_published_against_computed(capsys, copy):
    edit(copy / "ita" / "2564.yaml", "score: 97.10", "score: 79.10")
    status, out = content_check(capsys, copy)
    assert status == 1
    assert "2564.yaml: field 'published': 2564 total: published 89.78" in out


def test_every_file_is_validated_not_only_those_the_app_reads_first(capsys, copy):
    edit(copy / "livechat.yaml", "timeout_minutes: 30", "timeout_minutes: half an hour")
    edit(copy / "report" / "part3.yaml", "kind: measures", "kind: rumours")
    status, out = content_check(capsys, copy)
    assert status == 1
    assert "livechat.yaml: field 'timeout_minutes'" in out and "part3.yaml: passage 'p3.ind8': field 'kind'" in out


def test_the_app_refuses_to_start_on_categories_that_disagree(settings, understander, copy):
    from app import create_app
    from bot.services import build_services

    edit(copy / "complaints.yaml", "  - id: school", "  - id: schools")
    with pytest.raises(ContentError) as err:
        refuse_inconsistent(copy)
    assert "complaints.yaml: field 'categories." in str(err.value) and "'schools'" in str(err.value)
    services = build_services(settings.replace(content_dir=copy), understander)
    try:
        with pytest.raises(ContentError, match=r"entities\.yaml: field 'categories'"):
            create_app(settings.replace(content_dir=copy), services)
    finally:
        services.db.dispose()


def test_gunicorns_master_stops_before_any_worker_on_inconsistent_content(monkeypatch, capsys, copy):
    edit(copy / "nlu" / "entities.yaml", "  - id: other", "  - id: others")
    monkeypatch.setenv("CONTENT_DIR", str(copy))
    on_starting = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["on_starting"]
    with pytest.raises(SystemExit) as stopped:
        on_starting(None)
    assert stopped.value.code == 2
    assert "entities.yaml: field 'categories': 'others'" in capsys.readouterr().err


def test_check_returns_findings_not_only_a_status():
    findings = check(FIXTURE_OFFICE)
    assert findings.ok and any("published 34.05" in n for n in findings.notes)

"""Office-edited NLU content: a mistake must be reported as one readable line naming file and field."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from bot.nlu.lexicon import load_lexicon  # noqa: E402
from scoring.yamlfile import ContentError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A private copy of content/nlu that a test may break."""
    shutil.copytree(ROOT / "content" / "nlu", tmp_path / "nlu")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_content_loads() -> None:
    lexicon = load_lexicon(ROOT / "content")
    assert sum(len(v) for v in lexicon.examples.values()) >= 450
    assert all(len(v) >= lexicon.classifier.calibration_folds for v in lexicon.examples.values())
    assert set(lexicon.entities.indicators) == set(range(1, 11))


def test_absent_procedures_dir_is_fine(content: Path) -> None:
    assert load_lexicon(content).procedures == []


@pytest.mark.parametrize(
    "file, old, new, field",
    [
        ("classifier.yaml", "threshold: 0.4", "threshold: high", "threshold"),
        ("classifier.yaml", "threshold: 0.4", "threshold: 1.5", "threshold"),
        ("classifier.yaml", "C: 0.5", "C: 0.5\nc: 2", "c"),
        ("entities.yaml", "  10:\n    name: การป้องกันการทุจริต", "  11:\n    name: การป้องกันการทุจริต", "indicators"),
        ("entities.yaml", "  IIT:", "  XIT:", "tools"),
        ("entities.yaml", "  - id: staff_conduct", "  - id: Staff Conduct", "categories.1.id"),
        ("rules.yaml", "  - intent: track\n    entity: code", "  - intent: weather.today\n    entity: code", "rules.0.intent"),
        ("rules.yaml", "  - intent: track\n    entity: code", "  - intent: track\n    regex: ['(unclosed']", "rules.0.regex"),
        ("rules.yaml", "  - intent: track\n    entity: code", "  - intent: track", "rules.0"),
        ("normalize.yaml", "particles:", "particle:", "particle"),
        ("examples-chat.yaml", "intents:", "intent:", "intents"),
        ("examples-chat.yaml", "  greeting:", "  greting:", "intents"),
    ],
)
def test_wrong_field_names_file_and_field(content: Path, file: str, old: str, new: str, field: str) -> None:
    edit(content / "nlu" / file, old, new)
    with pytest.raises(ContentError) as err:
        load_lexicon(content)
    message = str(err.value)
    assert file in message and f"field '{field}" in message, message


def test_same_sentence_under_two_intents_is_refused(content: Path) -> None:
    edit(content / "nlu" / "examples-chat.yaml", "    - ขอบคุณครับ\n", "    - ขอบคุณครับ\n    - สวัสดีครับ\n")
    with pytest.raises(ContentError, match=r"examples-chat\.yaml: field 'intents\.thanks\.\d+': 'สวัสดีครับ' is also an example of greeting"):
        load_lexicon(content)


def test_missing_fallback_examples_are_refused(content: Path) -> None:
    text = (content / "nlu" / "examples-chat.yaml").read_text(encoding="utf-8")
    (content / "nlu" / "examples-chat.yaml").write_text(text[: text.index("  fallback:")], encoding="utf-8")
    with pytest.raises(ContentError, match="intents.fallback"):
        load_lexicon(content)


def test_broken_procedure_names_file_and_field(content: Path) -> None:
    (content / "procedures").mkdir()
    (content / "procedures" / "bad.yaml").write_text("id: bad\nkeywords: [x]\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"bad\.yaml: field 'title'"):
        load_lexicon(content)


def test_missing_nlu_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="nlu"):
        load_lexicon(tmp_path)


def test_new_intent_with_too_few_examples_is_refused(content: Path) -> None:
    (content / "nlu" / "examples-local.yaml").write_text(
        "intents:\n  contact.email:\n    - อีเมลเขต\n", encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"examples-local\.yaml: field 'intents\.contact\.email': needs at least"):
        load_lexicon(content)


def test_office_can_add_an_examples_file(content: Path) -> None:
    (content / "nlu" / "examples-local.yaml").write_text(
        "intents:\n  contact.phone:\n    - เบอร์ห้องธุรการ\n", encoding="utf-8"
    )
    lexicon = load_lexicon(content)
    assert "เบอร์ห้องธุรการ" in lexicon.examples["contact.phone"]

"""The complaint categories of complaints.yaml and nlu/entities.yaml agree, or the check names the file."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.complaints.content import check_categories
from scoring.yamlfile import ContentError
from tests.conftest import CONTENT


@pytest.fixture
def office(tmp_path: Path) -> Path:
    source = Path(CONTENT)
    shutil.copy(source / "complaints.yaml", tmp_path / "complaints.yaml")
    (tmp_path / "nlu").mkdir()
    shutil.copy(source / "nlu" / "entities.yaml", tmp_path / "nlu" / "entities.yaml")
    return tmp_path


def entities(office: Path, edit) -> None:
    path = office / "nlu" / "entities.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data["categories"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_office_s_two_lists_of_categories_agree(office):
    check_categories(office)  # raises if they do not


def test_a_category_the_nlu_names_but_complaints_lack_is_refused_by_file_and_field(office):
    entities(office, lambda cats: cats.append({"id": "parking", "keywords": ["จอดรถ"]}))
    with pytest.raises(ContentError) as refused:
        check_categories(office)
    assert "entities.yaml: field 'categories': 'parking' is not a category of" in str(refused.value)


def test_a_category_the_nlu_lacks_is_refused_and_named(office):
    first = {}
    entities(office, lambda cats: first.update(cats.pop(0)))
    with pytest.raises(ContentError) as refused:
        check_categories(office)
    message = str(refused.value)
    assert "entities.yaml: field 'categories'" in message and first["id"] in message

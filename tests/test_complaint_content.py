"""content/complaints.yaml is validated like the rest of content/, and the schema matches migration 0002."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot.complaints import content as cc
from bot.content import ContentError
from bot.storage.registry import metadata

ROOT = Path(__file__).resolve().parent.parent
OURS = {"complaint", "complaint_event", "complaint_evidence", "complaint_reporter", "feedback", "outbox_message"}


def edited(tmp_path, old: str, new: str) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "complaints.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "content"


def test_the_office_content_loads_and_every_text_renders(content):
    loaded = cc.load(content.directory, {g.id for g in content.office.groups})
    assert [c.prefix for c in loaded.categories] == ["CR", "SV", "ST", "SC", "GN"]
    assert loaded.units[loaded.category("corruption").unit].group == "legal"
    assert loaded.statuses == {"received": "รับเรื่องแล้ว", "in_progress": "อยู่ระหว่างดำเนินการ",
                               "resolved": "ดำเนินการแล้วเสร็จ", "rejected": "ยุติเรื่อง"}
    for key, template in loaded.texts.items():
        names = set(re.findall(r"{(\w+)}", template))
        template.format(**{n: "x" for n in names})  # no stray braces
        assert "ครับ" not in template and "ค่ะ" not in template, f"{key}: polite particles fit one gender only"


@pytest.mark.parametrize("old,new,message", [
    ("prefix: CR", "prefix: cr1", "categories.0.prefix"),
    ("prefix: SV", "prefix: CR", "prefix must be unique"),
    ("unit: integrity", "unit: nobody", "categories.0.unit"),
    ("  ask_name: ", "  ask_nam: ", "texts: missing ask_name"),
    ("  btn_done: เสร็จแล้ว", "  btn_done: กดปุ่มนี้เมื่อพิมพ์รายละเอียดเสร็จแล้ว", "btn_done"),
    ("group: legal", "group: lawyers", "units.integrity.group"),
    ("evidence_bytes: 10485760", "evidence_bytes: ten", "limits.evidence_bytes"),
])
def test_a_mistake_names_the_file_and_field(tmp_path, content, old, new, message):
    with pytest.raises(ContentError) as err:
        cc.load(edited(tmp_path, old, new), {g.id for g in content.office.groups})
    assert "complaints.yaml" in str(err.value) and message in str(err.value)


def test_migration_0002_creates_exactly_the_models_tables(sqlite_template):
    engine = create_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    ours = [d for d in diff if any(t in repr(d) for t in OURS)]
    assert ours == []

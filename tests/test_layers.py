"""The layers are a contract (pyproject.toml's [tool.importlinter], checked by import-linter) and bot/ and
scoring/ have no import cycle (.ci/import_cycles.py): both run here, so CI fails on a broken layer."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))

from import_cycles import cycles  # noqa: E402


def test_the_layer_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_bot_and_scoring_have_no_import_cycle():
    assert cycles("bot", "scoring") == []


def test_a_cycle_is_found(tmp_path, monkeypatch):
    """The cycle finder finds one (a test that cannot fail would prove nothing)."""
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from loopy import b\n")
    (package / "b.py").write_text("from loopy import c\n")
    (package / "c.py").write_text("import loopy.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cycles("loopy") == [["loopy.a", "loopy.b", "loopy.c"]]

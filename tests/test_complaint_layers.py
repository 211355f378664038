"""Complaints' sending is in layers: the outbox (rows, codec, retry policy) imports nothing that sends,
delivery sits on it and on the notifier, and no module of the package imports, even inside a function,
one that imports it back."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bot" / "complaints"


def imports_of(path: Path) -> set[str]:
    """Modules of bot.complaints that `path` imports anywhere (top level, in functions, under TYPE_CHECKING)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1 or base == "bot.complaints":
                found |= {a.name for a in node.names} if not node.module or base == "bot.complaints" else {base}
            elif base.startswith("bot.complaints."):
                found.add(base.split(".")[2])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("bot.complaints.")}
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    return {m.split(".")[0] for m in found} & modules - {path.stem}


def graph() -> dict[str, set[str]]:
    return {p.stem: imports_of(p) for p in PACKAGE.glob("*.py")}


def cycle_through(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    path, seen = [start], set()

    def walk(node: str) -> list[str] | None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                path.append(nxt)
                if found := walk(nxt):
                    return found
                path.pop()
        return None

    return walk(start)


def test_no_module_of_complaints_imports_one_that_imports_it_back():
    edges = graph()
    cycles = [c for m in sorted(edges) if (c := cycle_through(m, edges))]
    assert not cycles, " ; ".join(" → ".join(c) for c in cycles)


def test_the_outbox_is_the_bottom_layer_of_sending():
    edges = graph()
    assert edges["outbox"] <= {"models"}
    assert "outbox" in edges["delivery"] and "notifier" in edges["delivery"]
    assert "delivery" not in edges["notifier"]  # the privacy boundary is only that
    assert not any(line.startswith(("from bot.channels", "import bot.channels"))
                   for line in (PACKAGE / "outbox.py").read_text(encoding="utf-8").splitlines())


def test_the_check_sees_an_import_made_inside_a_function(tmp_path):
    source = tmp_path / "alerts.py"
    source.write_text("def f():\n    from .delivery import pack\n", encoding="utf-8")
    assert imports_of(source) == {"delivery"}

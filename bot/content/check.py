"""An office's content checked as a whole: every file against its schema, and the agreements between files
and code that no single file's schema can see.

- the intents of the understanding examples (`nlu/examples*.yaml`, `nlu/rules.yaml`) each have a handler in
  `bot/handlers` (the router), and every coarse intent of the code's list has examples and a handler;
- the complaint categories of `nlu/entities.yaml` (the words that name them) and of `complaints.yaml`
  (labels, units, deadlines) are the same list;
- each service manual's `id` is its file name;
- the ITA items of `ita/evidence_items.yaml` (loaded with the rest): numbers such as O18, each once a year,
  answered by sections the evidence pack has, the pages they link given;
- the figures the report prints agree with those computed from the indicator scores.

`structural_problems()` is what the app refuses to start on (gunicorn's master, `create_app`, `db upgrade`);
`check()` is all of it, for `python -m bot content check`. Every message names the file and the field.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scoring import load_ita
from scoring.compute import r2
from scoring.validate import check as check_figures
from scoring.yamlfile import ContentError, load_model

from . import load_content
from .models import Procedure


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    """What makes the content wrong: each line names the file and the field."""
    notes: list[str] = field(default_factory=list)
    """Worth knowing, not wrong (a misprint in the report whose right figure the report prints too)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def _collect(findings: Findings, step: Callable[[], object]) -> object | None:
    """Run one loader; a ContentError (one or more lines naming file and field) becomes problems."""
    try:
        return step()
    except ContentError as exc:
        findings.problems += [line for line in str(exc).splitlines() if line.strip()]
        return None


# --- agreements between files and code ------------------------------------------------------------


def intent_problems(directory: Path, lexicon, router) -> list[str]:
    """Every intent of the examples and rules reaches a handler; every coarse intent has examples and one."""
    from bot.nlu.lexicon import COARSE

    nlu = Path(directory) / "nlu"
    problems = []

    def handled(intent: str) -> bool:
        parts = intent.split(".")
        return intent == "fallback" or any(".".join(parts[:i]) in router.handlers for i in range(len(parts), 0, -1))

    where = {intent: path for path in sorted(nlu.glob("examples*.yaml")) for intent in _intents_in(path)}
    for intent in sorted(set(lexicon.examples) | {r.intent for r in lexicon.rules}):
        if not handled(intent):
            file = where.get(intent, nlu / "rules.yaml")
            problems.append(f"{file}: field 'intents.{intent}': no handler for this intent in bot/handlers "
                            f"(handlers: {', '.join(sorted(router.handlers))})")
    examples_coarse = {i.split(".")[0] for i in lexicon.examples} | {r.intent.split(".")[0] for r in lexicon.rules}
    for coarse in COARSE:
        if coarse not in examples_coarse:
            problems.append(f"{nlu}: field 'intents.{coarse}': the coarse intent '{coarse}' (bot/nlu/lexicon.py "
                            f"COARSE) has no examples and no rule, so it can never be understood")
        if coarse != "fallback" and not any(h.split(".")[0] == coarse for h in router.handlers):
            problems.append(f"{nlu}: field 'intents.{coarse}': the coarse intent '{coarse}' has no handler in "
                            f"bot/handlers")
    return problems


def _intents_in(path: Path) -> list[str]:
    from bot.nlu.lexicon import ExamplesFile

    try:
        return list(load_model(path, ExamplesFile).intents)
    except ContentError:
        return []


def category_problems(directory: Path, lexicon, complaints) -> list[str]:
    """The categories people's words are matched to (entities.yaml) are the ones complaints are filed under."""
    from bot.complaints.content import category_disagreements

    return category_disagreements(directory, [c.id for c in lexicon.entities.categories],
                                  [c.id for c in complaints.categories])


def procedure_problems(directory: Path) -> list[str]:
    """Each manual on its own, so every wrong one is listed (the loader stops at the first)."""
    problems = []
    for path in sorted((Path(directory) / "procedures").glob("*.yaml")):
        try:
            proc = load_model(path, Procedure)
        except ContentError as exc:
            problems += str(exc).splitlines()
            continue
        if proc.id != path.stem:
            problems.append(f"{path}: field 'id': must equal the file name '{path.stem}' (got {proc.id!r})")
    return problems


def figure_findings(directory: Path, findings: Findings) -> None:
    """Published vs computed. A figure the report prints twice, once as computed, is a misprint to note
    (the bot uses the computed one); any other disagreement means a score in content/ita/ is wrong."""
    ita = load_ita(directory)
    mismatches = check_figures(ita)
    for m in mismatches:
        path = Path(directory) / "ita" / f"{m.year}.yaml"
        published = ita.years[m.year].published
        also_right = any(f.figure == m.figure and str(r2(f.value)) == m.computed for f in published.figures)
        line = f"{path}: field 'published': {m.describe()}"
        (findings.notes if also_right else findings.problems).append(line)


# --- the whole check --------------------------------------------------------------------------------


def _complaints(directory: Path, content):
    from bot.complaints.content import load

    return load(directory, {g.id for g in content.office.groups})


def structural_problems(directory: Path | str, router=None) -> list[str]:
    """What start-up refuses: intents without a handler, and category lists that disagree."""
    from bot.nlu.lexicon import load_lexicon

    directory = Path(directory)
    findings = Findings()
    content = _collect(findings, lambda: load_content(directory))
    lexicon = _collect(findings, lambda: load_lexicon(directory))
    if content is None or lexicon is None:
        return findings.problems
    complaints = _collect(findings, lambda: _complaints(directory, content))
    if router is None:
        from bot.handlers import build_router

        router = build_router()
    findings.problems += intent_problems(directory, lexicon, router)
    if complaints is not None:
        findings.problems += category_problems(directory, lexicon, complaints)
    return findings.problems


def check(directory: Path | str, router=None) -> Findings:
    """Every file of the office validated, and every agreement between files and code."""
    from bot.channels.richmenu import load_rich_menu
    from bot.complaints.deadlines import HolidaysFile
    from bot.knowledge.content import load_report
    from bot.livechat.service import LiveChatContent

    directory = Path(directory)
    findings = Findings()
    if not directory.is_dir():
        findings.problems.append(f"{directory}: content directory not found")
        return findings
    findings.problems += procedure_problems(directory)
    content = _collect(findings, lambda: load_content(directory))
    for name, model in (("livechat.yaml", LiveChatContent), ("holidays.yaml", HolidaysFile)):
        if (directory / name).is_file():
            _collect(findings, lambda: load_model(directory / name, model))
    if (directory / "line" / "richmenu.yaml").is_file():
        _collect(findings, lambda: load_rich_menu(directory))
    if content is not None:
        _collect(findings, lambda: _complaints(directory, content))
        _collect(findings, lambda: load_report(directory, content.ita))
        _collect(findings, lambda: figure_findings(directory, findings))
    for problem in structural_problems(directory, router):
        if problem not in findings.problems:
            findings.problems.append(problem)
    return findings


_checked: dict[Path, tuple[str, ...]] = {}


def refuse_inconsistent(directory: Path | str) -> None:
    """Raise ContentError naming every file and field when the app must not start on this content.
    Checked once per directory and process (the app factory runs once per worker, and many times in tests)."""
    key = Path(directory).resolve()
    if key not in _checked:
        _checked[key] = tuple(structural_problems(key))
    if _checked[key]:
        raise ContentError("\n".join(_checked[key]))


def format_findings(directory: Path | str, findings: Findings) -> str:
    lines = [f"problem: {p}" for p in findings.problems] + [f"note: {n}" for n in findings.notes]
    verdict = (f"{directory}: content is consistent" if findings.ok
               else f"{directory}: {len(findings.problems)} problem(s)")
    return "\n".join(lines + [verdict])

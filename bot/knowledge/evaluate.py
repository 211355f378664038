"""Measure answers from the report on questions people type: did the bot answer from the right passage (or
compute the right figure), and did it keep off-topic questions away from the report?

Each JSONL line is one question with what it must be answered from:
    {"text": ..., "passage": "p3.ind8"}              one passage id, or a list of acceptable ids
    {"text": ..., "figure": "total"}                 total | published | what_if (+ "changes") | plan (+ "level") | rank
    {"text": ..., "off_topic": true}                 must not be answered with a passage
A passage counts as answered when the reply shows its title, its text (or the fact asked of an event)
and its source line; a figure when
the reply shows the figures scoring/ computes for it. The whole bot answers (understanding, handlers,
fallback), as a user would see it.
"""
from __future__ import annotations

import json
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from scoring import check, plan_to_level, what_if, year_result
from scoring.summary import fmt

if TYPE_CHECKING:
    from bot.services import Services

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "data" / "knowledge_questions.jsonl"
FIGURES = ("total", "published", "what_if", "plan", "rank")


@dataclass
class KnowledgeReport:
    passage_ok: int = 0
    passage_total: int = 0
    figure_ok: int = 0
    figure_total: int = 0
    off_topic_total: int = 0
    off_topic_quoted: int = 0
    retrieval_ok: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def answered(self) -> int:
        return self.passage_ok + self.figure_ok

    @property
    def questions(self) -> int:
        return self.passage_total + self.figure_total

    @property
    def accuracy(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


def load_questions(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        kinds = [k for k in ("passage", "figure", "off_topic") if k in row]
        if not isinstance(row.get("text"), str) or len(kinds) != 1:
            raise ValueError(f"{path}:{number}: needs 'text' and one of 'passage', 'figure', 'off_topic'")
        if "figure" in row and row["figure"] not in FIGURES:
            raise ValueError(f"{path}:{number}: figure must be one of {', '.join(FIGURES)}")
        rows.append(row)
    return rows


def expected_ids(row: dict) -> list[str]:
    wanted = row["passage"]
    return [wanted] if isinstance(wanted, str) else list(wanted)


def shows_passage(kb, passage, text: str) -> bool:
    """Its title and source line, and its text or, for a question asking one fact of an event (who
    presided, when, where), that fact (the whole passage is then one tap away)."""
    said = passage.pieces[0] in text or any(fact in text for _, fact in passage.facts)
    return said and all(part in text for part in (passage.title, kb.source_line(passage)))


def figure_parts(services: Services, kb, row: dict) -> list[str]:
    """What a reply must show for a figure question, computed by scoring/ (never the file's own numbers)."""
    ita = services.content.ita
    year = kb.report.meta.year
    r = year_result(ita, year)
    kind = row["figure"]
    if kind == "total":
        return [" + ".join(fmt(t.score) for t in r.tools.values()), fmt(r.total)] + \
               [f"{t.weight}%" for t in r.tools.values()]
    if kind == "published":
        found = [m for m in check(ita) if m.year == year]
        return [v for m in found for v in (m.published, m.computed)]
    if kind == "what_if":
        after = what_if(ita, year, {int(k): Decimal(v) for k, v in row["changes"].items()})
        return [fmt(after.total), f"ระดับ {after.grade.level}"]
    if kind == "plan":
        plan = plan_to_level(ita, year, row.get("level"))
        return [fmt(plan.floor), fmt(plan.result.total), plan.target_level]
    office = services.content.office
    return [kb.text("rank_unpublished").format(office=office.short_name).split()[0], fmt(r.national.score)]


def evaluate(rows: list[dict], content_dir: Path | None = None) -> KnowledgeReport:
    from bot import knowledge
    from bot.config import Settings
    from bot.core.conversation import Bot
    from bot.core.messages import Incoming, visible_text
    from bot.handlers import build_router
    from bot.services import build_services
    from bot.storage.migrate import upgrade

    report = KnowledgeReport()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/eval.sqlite3"
        upgrade(url)
        settings = Settings(database_url=url, **({"content_dir": content_dir} if content_dir else {}))
        services = build_services(settings)
        try:
            kb = knowledge.of(services)
            if kb is None:
                raise ValueError(f"{settings.content_dir}: no report/ to answer from")
            bot = Bot(services, build_router())
            prefix = kb.text("source").split("{")[0] + kb.report.meta.short_title
            for n, row in enumerate(rows):
                start = time.perf_counter()
                turn = bot.respond(Incoming("web", f"knowledge-eval-{n}", row["text"]))
                report.latencies_ms.append((time.perf_counter() - start) * 1000)
                text = "\n".join(part for r in turn.replies for part in visible_text(r))
                if row.get("off_topic"):
                    report.off_topic_total += 1
                    if prefix in text:
                        report.off_topic_quoted += 1
                        report.errors.append(f"[off-topic answered from the report] {row['text']}")
                    continue
                if "figure" in row:
                    report.figure_total += 1
                    missing = [p for p in figure_parts(services, kb, row) if p not in text]
                    if missing:
                        report.errors.append(f"[{row['figure']}: {turn.intent}, missing {missing}] {row['text']}")
                    else:
                        report.figure_ok += 1
                    continue
                report.passage_total += 1
                wanted = expected_ids(row)
                unknown = [w for w in wanted if w not in kb.by_id]
                if unknown:
                    raise ValueError(f"unknown passage id(s) {unknown} for {row['text']!r}")
                if any(shows_passage(kb, kb.by_id[w], text) for w in wanted):
                    report.passage_ok += 1
                else:
                    got = [p.id for p in kb.passages if shows_passage(kb, p, text)]
                    report.errors.append(f"[{'/'.join(wanted)}: {turn.intent} -> {got or 'no passage'}] {row['text']}")
                u = turn.understood
                top = kb.ranked(u.normalized or row["text"], u.entities.get("indicator"))[0]
                report.retrieval_ok += top.passage.id in wanted
        finally:
            services.db.dispose()
    return report


def format_report(r: KnowledgeReport, show_errors: int = 30) -> str:
    lines = [
        "",
        "answers from the report (knowledge questions):",
        f"  questions: {r.questions} ({r.passage_total} passage, {r.figure_total} figure), "
        f"off-topic: {r.off_topic_total}",
        f"  answered from the right passage or figure: {r.accuracy:.3f} ({r.answered}/{r.questions})",
        f"    passages: {r.passage_ok}/{r.passage_total}   figures: {r.figure_ok}/{r.figure_total}",
        f"    search alone, best passage right: {r.retrieval_ok}/{r.passage_total}",
        f"  off-topic answered with a passage: {r.off_topic_quoted}/{r.off_topic_total}",
    ]
    if r.latencies_ms:
        lines.append(f"  time per question (whole bot, state in SQLite): median "
                     f"{statistics.median(r.latencies_ms):.2f} ms")
    if r.errors and show_errors:
        lines += [f"  errors (first {min(show_errors, len(r.errors))}):"]
        lines += [f"    {e}" for e in r.errors[:show_errors]]
    return "\n".join(lines)


def main_eval(path: str | Path = DEFAULT_FILE, content_dir: str | Path | None = None) -> int:
    """Print the knowledge section of `bot eval`; 0 when it ran, 2 when the file or content is unusable."""
    import sys

    from scoring.yamlfile import ContentError

    try:
        rows = load_questions(Path(path))
        report = evaluate(rows, Path(content_dir) if content_dir else None)
    except (OSError, ValueError, ContentError) as exc:
        print(f"eval (knowledge): {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    return 0

"""Measure the understander on labelled sentences it was not trained on.

The number that counts is coarse accuracy: the bot routes on the coarse intent, and a wrong fine
intent inside the right family (ita.total vs ita.history) still lands on a useful answer.
`python -m bot eval FILE.jsonl` calls `main_eval`; each line is {"text": ..., "intent": <fine>}.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

DEFAULT_CONTENT = Path(__file__).resolve().parents[2] / "content"


class _Understands(Protocol):
    def understand(self, text: str): ...


@dataclass
class Report:
    total: int
    coarse_correct: int
    fine_correct: int
    per_intent: dict[str, tuple[int, int]]
    """gold fine intent -> (correct fine, total)"""
    confusions: list[tuple[str, str, int]]
    """(gold, predicted, count) for wrong fine predictions, most frequent first"""
    errors: list[dict] = field(default_factory=list)
    latencies_us: list[float] = field(default_factory=list, repr=False)

    @property
    def coarse_accuracy(self) -> float:
        return self.coarse_correct / self.total if self.total else 0.0

    @property
    def fine_accuracy(self) -> float:
        return self.fine_correct / self.total if self.total else 0.0


def load_rows(path: Path) -> list[dict]:
    """Read a JSONL file of {"text", "intent"} rows; blank lines are skipped."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if not isinstance(row.get("text"), str) or not isinstance(row.get("intent"), str):
                raise ValueError(f"{path}:{number}: each line needs string fields 'text' and 'intent'")
            rows.append(row)
    return rows


def evaluate(understander: _Understands, rows: Iterable[dict]) -> Report:
    total = coarse_ok = fine_ok = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter[tuple[str, str]] = Counter()
    errors = []
    latencies = []
    for row in rows:
        gold = row["intent"]
        start = time.perf_counter()
        got = understander.understand(row["text"])
        latencies.append((time.perf_counter() - start) * 1e6)
        total += 1
        per[gold][1] += 1
        if got.intent.split(".")[0] == gold.split(".")[0]:
            coarse_ok += 1
        if got.intent == gold:
            fine_ok += 1
            per[gold][0] += 1
        else:
            confusions[(gold, got.intent)] += 1
            errors.append({"text": row["text"], "intent": gold, "got": got.intent, "confidence": got.confidence})
    return Report(
        total=total,
        coarse_correct=coarse_ok,
        fine_correct=fine_ok,
        per_intent={k: (v[0], v[1]) for k, v in sorted(per.items())},
        confusions=[(g, p, n) for (g, p), n in confusions.most_common()],
        errors=errors,
        latencies_us=latencies,
    )


def format_report(report: Report, show_errors: int = 30) -> str:
    lines = [
        f"sentences: {report.total}",
        f"coarse accuracy: {report.coarse_accuracy:.3f} ({report.coarse_correct}/{report.total})",
        f"fine accuracy:   {report.fine_accuracy:.3f} ({report.fine_correct}/{report.total})",
    ]
    if report.latencies_us:
        ordered = sorted(report.latencies_us)
        lines.append(
            f"latency per message: median {statistics.median(ordered):.0f} µs, "
            f"p90 {ordered[int(0.9 * (len(ordered) - 1))]:.0f} µs"
        )
    lines += [
        "",
        "per intent (fine):",
    ]
    for intent, (ok, n) in report.per_intent.items():
        lines.append(f"  {intent:<20} {ok / n:6.2f}  {ok}/{n}")
    if report.confusions:
        lines += ["", "confusions (gold -> predicted: count):"]
        lines += [f"  {g} -> {p}: {n}" for g, p, n in report.confusions]
    if report.errors and show_errors:
        lines += ["", f"errors (first {min(show_errors, len(report.errors))}):"]
        lines += [
            f"  [{e['intent']} -> {e['got']} {e['confidence']:.2f}] {e['text']}" for e in report.errors[:show_errors]
        ]
    return "\n".join(lines)


DIALOGUES = "dialogues_heldout.jsonl"
# The part of the held-out set nobody reads while tuning: scored beside the rest, its errors never printed.
UNSEEN = "utterances_unseen.jsonl"
UNSEEN_DIALOGUES = "dialogues_unseen.jsonl"


def unseen_report(folder: Path, understander) -> str | None:
    """Single-turn and multi-turn accuracy of the unseen part beside the held-out file (None when absent);
    figures only, so that reading the output never shows its sentences."""
    single, multi = folder / UNSEEN, folder / UNSEEN_DIALOGUES
    if not single.is_file() and not multi.is_file():
        return None
    lines = ["", "unseen part (figures only; its sentences are not shown, so nobody tunes on them):"]
    if single.is_file():
        r = evaluate(understander, load_rows(single))
        lines.append(f"  single-turn coarse accuracy: {r.coarse_accuracy:.3f} ({r.coarse_correct}/{r.total}), "
                     f"fine: {r.fine_accuracy:.3f} ({r.fine_correct}/{r.total})")
    if multi.is_file():
        from bot.dialogues import evaluate_dialogues, load_dialogues

        d = evaluate_dialogues(load_dialogues(multi), understander)
        lines.append(f"  multi-turn accuracy: {d.turn_accuracy:.3f} ({d.turns_correct}/{d.turns} checked turns), "
                     f"dialogues fully right: {d.dialogue_accuracy:.3f} ({d.dialogues_correct}/{d.dialogues})")
    return "\n".join(lines)


def main_eval(path: str, content_dir: str | Path | None = None, dialogues: str | Path | None = None) -> int:
    """Print the report for a JSONL file, then the multi-turn figure for `dialogues` (by default
    dialogues_heldout.jsonl beside the file, when there is one); 0 when it ran, 2 when a file or the
    content is unusable."""
    from scoring.yamlfile import ContentError

    from . import Understander

    dialogue_path = Path(dialogues) if dialogues else Path(path).with_name(DIALOGUES)
    try:
        rows = load_rows(Path(path))
        understander = Understander.from_content(Path(content_dir) if content_dir else DEFAULT_CONTENT)
        conversations = None
        if dialogues or dialogue_path.is_file():
            from bot.dialogues import load_dialogues

            conversations = load_dialogues(dialogue_path)
    except (OSError, ValueError, ContentError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    print(format_report(evaluate(understander, rows)))
    if conversations is not None:
        from bot.dialogues import evaluate_dialogues, format_dialogue_report

        print(f"\nmulti-turn set: {dialogue_path}")
        print(format_dialogue_report(evaluate_dialogues(conversations, understander)))
    if Path(path).name != UNSEEN and (unseen := unseen_report(Path(path).parent, understander)):
        print(unseen)
    return 0


if __name__ == "__main__":
    sys.exit(main_eval(*sys.argv[1:2]))

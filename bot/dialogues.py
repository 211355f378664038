"""Multi-turn evaluation: whole conversations played through the real bot (understanding, follow-ups,
flows and handlers) on a throw-away SQLite database.

Follow-ups ("ใช้เวลากี่วัน" after a manual, "IIT ล่ะ" after a year's total) are resolved in the core, not by
the NLU alone, so they can only be measured this way. Each line of the JSONL file is one conversation:

    {"name": "...", "turns": [{"text": "...", "intent": "ita.tools", "says": ["29.65"], "not_says": ["..."]}]}

A turn is checked when it has `intent` (the fine intent the bot acted on), `says` (every string must be in
the visible answer) or `not_says`; a turn without any of them only sets up the conversation.
"""
from __future__ import annotations

import dataclasses
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHECKS = ("intent", "says", "not_says")


@dataclass
class DialogueReport:
    dialogues: int = 0
    dialogues_correct: int = 0
    turns: int = 0
    turns_correct: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def turn_accuracy(self) -> float:
        return self.turns_correct / self.turns if self.turns else 0.0

    @property
    def dialogue_accuracy(self) -> float:
        return self.dialogues_correct / self.dialogues if self.dialogues else 0.0


def load_dialogues(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        turns = row.get("turns")
        if not isinstance(turns, list) or not turns or not all(isinstance(t.get("text"), str) for t in turns):
            raise ValueError(f"{path}:{number}: each line needs 'turns': a list of objects with a string 'text'")
        if not any(k in t for t in turns for k in CHECKS):
            raise ValueError(f"{path}:{number}: no turn says what to expect ({', '.join(CHECKS)})")
        rows.append(row)
    return rows


def check_turn(expected: dict, intent: str, text: str) -> list[str]:
    """What is wrong with one answer (empty when it is right)."""
    problems = []
    if "intent" in expected and intent != expected["intent"]:
        problems.append(f"intent {intent} (expected {expected['intent']})")
    problems += [f"missing {s!r}" for s in expected.get("says", []) if s not in text]
    problems += [f"unexpected {s!r}" for s in expected.get("not_says", []) if s in text]
    return problems


def evaluate_dialogues(dialogues: list[dict], understander: Any) -> DialogueReport:
    from bot.config import from_env
    from bot.core.conversation import Bot
    from bot.core.messages import Incoming, visible_text
    from bot.handlers import build_router
    from bot.services import build_services
    from bot.storage.migrate import upgrade

    report = DialogueReport()
    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(from_env(), database_url=f"sqlite:///{tmp}/dialogues.sqlite3",
                                       evidence_dir=Path(tmp) / "evidence", smtp_url="",
                                       line_channel_access_token="", facebook_page_access_token="")
        upgrade(settings.database_url)
        services = build_services(settings, understander)
        bot = Bot(services, build_router())
        for number, dialogue in enumerate(dialogues, 1):
            user = f"eval-{number}"
            channel = dialogue.get("channel", "web")
            right = True
            for position, turn in enumerate(dialogue["turns"], 1):
                answer = bot.respond(Incoming(channel, user, turn["text"]))
                if not any(k in turn for k in CHECKS):
                    continue
                text = "\n".join(p for r in answer.replies for p in visible_text(r))
                problems = check_turn(turn, answer.understood.intent, text)
                report.turns += 1
                if problems:
                    right = False
                    report.errors.append({"dialogue": dialogue.get("name", number), "turn": position,
                                          "text": turn["text"], "problems": problems})
                else:
                    report.turns_correct += 1
            report.dialogues += 1
            report.dialogues_correct += right
        services.db.engine.dispose()
    return report


def format_dialogue_report(report: DialogueReport, show_errors: int = 20) -> str:
    lines = [
        f"multi-turn accuracy: {report.turn_accuracy:.3f} ({report.turns_correct}/{report.turns} checked turns)",
        f"dialogues fully right: {report.dialogue_accuracy:.3f} ({report.dialogues_correct}/{report.dialogues})",
    ]
    if report.errors and show_errors:
        lines.append(f"multi-turn errors (first {min(show_errors, len(report.errors))}):")
        lines += [f"  [{e['dialogue']} #{e['turn']}] {e['text']}: {'; '.join(e['problems'])}"
                  for e in report.errors[:show_errors]]
    return "\n".join(lines)

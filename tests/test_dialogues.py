"""Multi-turn held-out conversations (tests/data/dialogues_heldout.jsonl) through the real bot, and the
`bot eval` report that prints the figure."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogues import check_turn, evaluate_dialogues, format_dialogue_report, load_dialogues
from bot.nlu.evaluate import main_eval

DATA = Path(__file__).parent / "data"


@pytest.mark.content
def test_multi_turn_accuracy_is_at_least_ninety_percent(understander):
    dialogues = load_dialogues(DATA / "dialogues_heldout.jsonl")
    assert len(dialogues) >= 20
    report = evaluate_dialogues(dialogues, understander)
    assert report.turns >= 50
    assert report.turn_accuracy >= 0.90, format_dialogue_report(report)


def test_a_wrong_answer_is_counted_as_wrong(understander, tmp_path):
    assert check_turn({"intent": "ita.tools", "says": ["29.65"]}, "ita.total", "93.23") == [
        "intent ita.total (expected ita.tools)", "missing '29.65'"]
    path = tmp_path / "d.jsonl"
    path.write_text('{"name": "x", "turns": [{"text": "เบอร์โทร", "says": ["ไม่มีทางอยู่ในคำตอบ"]},'
                    ' {"text": "ita", "intent": "ita.total"}]}\n', encoding="utf-8")
    report = evaluate_dialogues(load_dialogues(path), understander)
    assert (report.turns, report.turns_correct, report.dialogues_correct) == (2, 1, 0)


def test_eval_prints_the_multi_turn_figure_beside_the_utterance_figures(tmp_path, capsys):
    (tmp_path / "u.jsonl").write_text('{"text": "เบอร์โทรสำนักงานเขตคะ", "intent": "contact.phone"}\n', encoding="utf-8")
    (tmp_path / "dialogues_heldout.jsonl").write_text(
        '{"turns": [{"text": "ITA ปี 2564 ได้กี่คะแนน"}, {"text": "IIT ล่ะ", "intent": "ita.tools"}]}\n',
        encoding="utf-8")
    assert main_eval(str(tmp_path / "u.jsonl")) == 0
    out = capsys.readouterr().out
    assert "coarse accuracy: 1.000 (1/1)" in out and "multi-turn accuracy: 1.000 (1/1 checked turns)" in out

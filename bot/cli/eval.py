"""`python -m bot eval FILE.jsonl`: intent accuracy per intent and the confusions."""
from __future__ import annotations

import os


def register(sub) -> None:
    ev = sub.add_parser("eval", help="accuracy of intent understanding on a labelled JSONL file")
    ev.add_argument("file", help='one {"text": ..., "intent": ...} per line')
    ev.set_defaults(func=cmd_eval)


def cmd_eval(args) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from bot.nlu.evaluate import main_eval

    return main_eval(args.file)

"""`python -m bot eval FILE.jsonl [--dialogues D.jsonl]`: intent accuracy per intent, the confusions, and
the multi-turn accuracy of whole conversations."""
from __future__ import annotations

import os


def register(sub) -> None:
    ev = sub.add_parser("eval", help="accuracy of intent understanding on a labelled JSONL file")
    ev.add_argument("file", help='one {"text": ..., "intent": ...} per line')
    ev.add_argument("--dialogues", metavar="FILE.jsonl",
                    help="multi-turn conversations (default: dialogues_heldout.jsonl beside FILE, if present)")
    ev.add_argument("--knowledge", metavar="FILE.jsonl", default=None,
                    help="questions answered from the report (default tests/data/knowledge_questions.jsonl)")
    ev.set_defaults(func=cmd_eval)


def cmd_eval(args) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from bot.knowledge import evaluate as knowledge_eval
    from bot.nlu.evaluate import main_eval

    status = main_eval(args.file, dialogues=args.dialogues)
    path = args.knowledge or knowledge_eval.DEFAULT_FILE
    if args.knowledge is None and not path.is_file():
        return status
    return max(status, knowledge_eval.main_eval(path))

"""`python -m bot answers add`: an answer written by staff, published at once in every running process."""
from __future__ import annotations

import re
import sys

from bot.console import audit
from bot.office_answers import store


def register(sub) -> None:
    a = sub.add_parser("answers", help="the office's own answers to questions the bot did not know")
    asub = a.add_subparsers(dest="answers_command", required=True)
    p = asub.add_parser("add", help="publish an answer (in use within seconds, no restart)")
    p.add_argument("--question", required=True, help="the question as people ask it")
    p.add_argument("--answer", required=True, help="the answer the bot gives")
    p.add_argument("--example", action="append", default=[], help="another way to ask it (repeatable)")
    p.add_argument("--link", default="", help="a page or picture given with the answer (https://...)")
    p.set_defaults(func=cmd_add)


def cmd_add(args) -> int:
    from bot.complaints.cli import cli_services

    if not args.question.strip() or not args.answer.strip():
        print("the question and the answer must not be empty", file=sys.stderr)
        return 2
    if args.link and not re.fullmatch(r"https?://\S+", args.link):
        print("--link must be a web address starting with http:// or https://", file=sys.stderr)
        return 2
    services = cli_services()
    with services.db.session() as s:
        answer_id = store.add_answer(s, args.question, args.answer, args.example, link=args.link)
        audit.record(s, None, "office_answer_added", detail=f"cli answer {answer_id}")
    print(f"answer {answer_id} published ({1 + len(args.example)} wording(s))")
    return 0

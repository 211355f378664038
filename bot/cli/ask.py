"""`python -m bot ask`: talk to the bot from the command line, one message or a JSONL batch."""
from __future__ import annotations

import json
import sys

from bot.channels import registry
from bot.config import from_env
from bot.core.conversation import Bot, Turn
from bot.core.messages import Incoming, reply_to_dict, visible_text
from bot.handlers import build_router
from bot.services import build_services
from bot.storage.migrate import upgrade


def register(sub) -> None:
    ask = sub.add_parser("ask", help="ask the bot something and print its answer")
    ask.add_argument("text", nargs="?", help="the message")
    ask.add_argument("--user", default="cli-user")
    ask.add_argument("--channel", choices=registry.names(), default="web")
    ask.add_argument("--json", action="store_true", help="print JSON instead of text")
    ask.add_argument("--batch", metavar="FILE.jsonl", help='one {"user": ..., "text": ...} per line')
    ask.set_defaults(func=cmd_ask)


def turn_json(turn: Turn) -> dict:
    return {
        "user": turn.incoming.user_id,
        "text": turn.incoming.text,
        "intent": turn.understood.intent,
        "entities": turn.understood.entities,
        "reply_text": "\n".join(part for r in turn.replies for part in visible_text(r)),
        "replies": [reply_to_dict(r) for r in turn.replies],
    }


def print_turn(turn: Turn, as_json: bool) -> None:
    if as_json:
        print(json.dumps(turn_json(turn), ensure_ascii=False, default=str))
    else:
        for reply in turn.replies:
            print("\n".join(visible_text(reply)))
            print()


def cmd_ask(args) -> int:
    if not args.text and not args.batch:
        print("give a message, or --batch FILE.jsonl", file=sys.stderr)
        return 2
    settings = from_env()
    upgrade(settings.database_url)  # idempotent: `ask` works on a fresh checkout too
    bot = Bot(build_services(settings), build_router())
    if args.batch:
        with open(args.batch, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    user, text = str(row.get("user") or args.user), str(row["text"])
                except (ValueError, KeyError, AttributeError):
                    print(f"{args.batch}:{lineno}: expected a JSON object with a \"text\"", file=sys.stderr)
                    return 2
                print_turn(bot.respond(Incoming(args.channel, user, text)), args.json)
                sys.stdout.flush()
        return 0
    print_turn(bot.respond(Incoming(args.channel, args.user, args.text)), args.json)
    return 0

"""`python -m bot ...`: one entry point; each feature module adds its own subcommands via `register()`."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from bot import logs
from bot.config import ConfigError
from scoring.yamlfile import ContentError

COMMAND_MODULES = [
    "bot.cli.db",
    "bot.cli.content",
    "bot.cli.ask",
    "bot.complaints.cli",
    "bot.cli.outbox",
    "bot.cli.staff",
    "bot.cli.eval",
    "bot.cli.line",
    "bot.broadcasts.cli",
    "bot.console.cli",
    "bot.cli.answers",
    "bot.cli.unanswered",
    "bot.cli.ita",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logs.configure(level=logging.WARNING)  # LOG_FORMAT=json for the Procfile's clock and worker
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except ContentError as exc:
        print(f"content error:\n{exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:  # a placeholder key: refused with what to do, not a traceback
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2

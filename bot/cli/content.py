"""`python -m bot content check [--content DIR]`: an office's content checked as a whole (bot/content/check.py).
Exit 0 when consistent (notes may be printed), 1 with one line per problem naming the file and field."""
from __future__ import annotations

import os
import sys


def register(sub) -> None:
    content = sub.add_parser("content", help="the office's content")
    actions = content.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="validate every file and the agreements between files and code")
    check.add_argument("--content", metavar="DIR", help="content directory (default: CONTENT_DIR or content/)")
    check.set_defaults(func=cmd_check)


def cmd_check(args) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from bot.config import from_env
    from bot.content.check import check, format_findings

    directory = args.content or from_env().content_dir
    findings = check(directory)
    print(format_findings(directory, findings), file=sys.stdout if findings.ok else sys.stderr)
    return 0 if findings.ok else 1

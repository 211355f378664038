"""`python -m bot content check [--content DIR | DIR]`: an office's content checked as a whole
(bot/content/check.py); exit 0 when consistent (notes may be printed), 1 with one line per problem naming the
file and field. `content export DIR` writes the content in use (content/ with what staff published in the
console, and the office's answers) as such a directory; `content import DIR` publishes one (bot/content_edits)."""
from __future__ import annotations

import os
import sys


def register(sub) -> None:
    content = sub.add_parser("content", help="the office's content")
    actions = content.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="validate every file and the agreements between files and code")
    check.add_argument("--content", metavar="DIR", help="content directory (default: CONTENT_DIR or content/)")
    check.add_argument("directory", nargs="?", metavar="DIR", help="the same as --content DIR")
    check.set_defaults(func=cmd_check)
    export = actions.add_parser("export", help="write the content in use (with staff's changes) into DIR")
    export.add_argument("directory", metavar="DIR")
    export.set_defaults(func=cmd_export)
    imported = actions.add_parser("import", help="publish the documents of DIR that differ from those in use")
    imported.add_argument("directory", metavar="DIR")
    imported.add_argument("--reason", default="นำเข้าจากไฟล์", help="why, kept with each revision")
    imported.set_defaults(func=cmd_import)


def cmd_check(args) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from bot.config import from_env
    from bot.content.check import check, format_findings

    directory = args.content or args.directory or from_env().content_dir
    findings = check(directory)
    print(format_findings(directory, findings), file=sys.stdout if findings.ok else sys.stderr)
    return 0 if findings.ok else 1


def cmd_export(args) -> int:
    from bot.console.cli import cli_services
    from bot.content_edits import transfer

    services = cli_services()
    try:
        with services.db.session() as s:
            target = transfer.export(s, services.settings.content_dir, args.directory)
    except FileExistsError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"exported the content in use to {target}")
    return 0


def cmd_import(args) -> int:
    from bot.console import audit
    from bot.console.cli import cli_services
    from bot.content_edits import revisions, transfer

    services = cli_services()
    try:
        with services.db.session() as s:
            done = transfer.import_(s, services.settings.content_dir, args.directory, "cli", args.reason)
            audit.record(s, None, "content_imported", detail=f"{len(done)} document(s)")
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    except revisions.Refused as exc:
        print("\n".join(f"problem: {p}" for p in exc.problems), file=sys.stderr)
        return 1
    print("\n".join(done + [f"imported {len(done)} change(s); running servers use them within seconds"]))
    return 0

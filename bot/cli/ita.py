"""`python -m bot ita add-year`: a new ITA year from its indicator scores, checked against the published
figures, stored in the database and answered by every running process within seconds."""
from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation

from bot.console import audit
from bot.office_answers import ita_years, live
from bot.thaitime import argument, parse_be_year
from scoring.summary import fmt


def register(sub) -> None:
    i = sub.add_parser("ita", help="ITA years")
    isub = i.add_subparsers(dest="ita_command", required=True)
    p = isub.add_parser("add-year", help="add a year (Buddhist era) from its indicator scores")
    p.add_argument("year", type=argument(parse_be_year), help="e.g. 2565 (or 2022, 65, ๒๕๖๕)")
    p.add_argument("--scores", required=True, help="every indicator's score: 1=96.5,2=94.2,...")
    p.add_argument("--published-total", help="the total the report prints (refused if it differs by > 0.01)")
    p.add_argument("--published-level", help="the level the report prints (refused if it differs)")
    p.add_argument("--like", type=argument(parse_be_year), help="copy tools, weights and indicators from this year (default: the latest)")
    p.set_defaults(func=cmd_add_year)


def cmd_add_year(args) -> int:
    from bot.complaints.cli import cli_services

    try:
        published = Decimal(args.published_total) if args.published_total is not None else None
    except InvalidOperation:
        print(f"--published-total {args.published_total!r}: not a number", file=sys.stderr)
        return 2
    services = cli_services()
    live.of(services)  # lays the years already added over content/ita/
    data = services.content.ita
    try:
        year_file, result, disagreement = ita_years.new_year(
            data, args.year, ita_years.parse_scores(args.scores), args.like, published, args.published_level)
    except ita_years.Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    if disagreement.lines():
        print(f"refused: the published figures of {args.year} are not what its scores compute to; nothing stored")
        for line in disagreement.lines():
            print(f"  {line}")
        return 1
    with services.db.session() as s:
        ita_years.store(s, year_file)
        audit.record(s, None, "ita_year_added", detail=f"cli {args.year} total {fmt(result.total)}")
    tools = ", ".join(f"{k} {fmt(t.score)}" for k, t in result.tools.items())
    print(f"ITA {args.year} stored: total {fmt(result.total)}, level {result.grade.level} ({tools})")
    return 0

"""`python -m scoring report|history|check|what-if`: the scoring module from the command line."""
from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .compute import year_result
from .data import ItaData, load_ita
from .summary import DIRECTION_TABLE_TH, english, fmt, long_th, structured
from .validate import check
from .whatif import plan_to_level, what_if
from .yamlfile import ContentError

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"


def content_dir() -> Path:
    return Path(os.environ.get("CONTENT_DIR") or DEFAULT_CONTENT)


def parse_change(text: str) -> tuple[int, Decimal]:
    try:
        number, score = text.split("=", 1)
        return int(number), Decimal(score)
    except (ValueError, InvalidOperation):
        raise argparse.ArgumentTypeError(f"expected INDICATOR=SCORE such as 8=95, got {text!r}") from None


def cmd_report(data: ItaData, args: argparse.Namespace) -> int:
    year = args.year or data.latest_year
    if year not in data.years:
        print(f"no ITA result for {year}; years with results: {', '.join(map(str, sorted(data.years)))}",
              file=sys.stderr)
        return 1
    result = year_result(data, year)
    if args.json:
        print(json.dumps(structured(result), ensure_ascii=False, indent=2))
    else:
        print(english(result) if args.lang == "en" else long_th(result))
    return 0


def cmd_history(data: ItaData, args: argparse.Namespace) -> int:
    print("ปีงบประมาณ\tผลคะแนน ITA\tระดับ\tผลต่าง\tพัฒนาการ")
    for y in sorted(data.years):
        r = year_result(data, y)
        p = r.previous
        diff, trend = (fmt(abs(p.difference)), DIRECTION_TABLE_TH[p.direction]) if p else ("-", "-")
        print(f"{y}\t{fmt(r.total)}\t{r.grade.level}\t{diff}\t{trend}")
    return 0


def cmd_check(data: ItaData, args: argparse.Namespace) -> int:
    mismatches = check(data)
    for m in mismatches:
        print(m.describe())
    if not mismatches:
        print("published and computed figures agree")
    print(f"{len(mismatches)} mismatch(es); the computed figures are the ones used", file=sys.stderr)
    return 0


def cmd_what_if(data: ItaData, args: argparse.Namespace) -> int:
    if args.to or not args.changes:
        plan = plan_to_level(data, args.year, args.to)
        if not plan.reachable:
            print(f"{args.year}: level {plan.target_level} ({fmt(plan.threshold)}) cannot be reached "
                  f"even with every indicator at 100")
            return 1
        if not plan.raises:
            print(f"{args.year}: already at {fmt(plan.result.total)}, level {plan.result.grade.level}")
            return 0
        print(f"To reach level {plan.target_level} ({fmt(plan.threshold)}) in {args.year}, lift every indicator "
              f"below {fmt(plan.floor)} to {fmt(plan.floor)}:")
        for r in plan.raises:
            print(f"  indicator {r.number} {r.name}: {fmt(r.before)} -> {fmt(r.after)} (+{fmt(r.rise)})")
        print(f"total {fmt(plan.result.total)}, level {plan.result.grade.level}")
        return 0
    before = year_result(data, args.year)
    after = what_if(data, args.year, dict(args.changes))
    for number, score in args.changes:
        ind = before.indicator(number)
        print(f"indicator {number} {ind.name}: {fmt(ind.score)} -> {fmt(score)}")
    print(f"total {fmt(before.total)} -> {fmt(after.total)}, level {before.grade.level} -> {after.grade.level}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="one year's result (latest by default)")
    rep.add_argument("year", nargs="?", type=int)
    rep.add_argument("--json", action="store_true")
    rep.add_argument("--lang", choices=["th", "en"], default="th")
    rep.set_defaults(func=cmd_report)
    sub.add_parser("history", help="the yearly table").set_defaults(func=cmd_history)
    sub.add_parser("check", help="published vs computed figures").set_defaults(func=cmd_check)
    wi = sub.add_parser("what-if", help="total and level if indicator scores change")
    wi.add_argument("year", type=int)
    wi.add_argument("changes", nargs="*", type=parse_change, metavar="N=SCORE")
    wi.add_argument("--to", metavar="LEVEL", help="smallest lift of the weakest indicators that reaches LEVEL")
    wi.set_defaults(func=cmd_what_if)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        data = load_ita(content_dir())
        return args.func(data, args)
    except ContentError as exc:
        print(f"content error:\n{exc}", file=sys.stderr)
        return 2
    except (KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

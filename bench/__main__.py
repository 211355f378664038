"""`python -m bench`: run the benchmarks (on demand; never part of `make test`), each group in its own
process so that one's memory and imports do not colour another's; then write bench/results/bench.md and
bench/results/bench.json and print the table. See bench/README.md.

    python -m bench                               # everything (about 6 minutes on 2 cores)
    python -m bench --only latency,hang           # some parts: latency, hang, cpu, kill, respond, multicast
    python -m bench --quick                       # short loads, small counts: a smoke test of the harness
    python -m bench --repo /path/to/checkout      # the bot (and Procfile) of another checkout
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from . import bench_line, report
from .database import default_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LINE_PARTS = bench_line.PARTS  # one process: the bot and the echo bot are started once for all of them
PARTS = (*LINE_PARTS, "respond", "multicast")


def commands(args) -> list[tuple[str, list[str], str]]:
    """(group, command, results file) for the chosen parts."""
    py = [sys.executable, "-m"]
    out = []
    line = [p for p in args.parts if p in LINE_PARTS]
    if line:
        cmd = py + ["bench.bench_line", "--parts", ",".join(line), "--repo", str(args.repo),
                    "--line-delay-ms", str(args.line_delay_ms), "--rate", str(args.rate)]
        cmd += ["--postgres", args.postgres] if args.postgres else ["--sqlite"]
        cmd += ["--quick"] if args.quick else []
        cmd += ["--plain"] if args.plain else []
        out.append(("line", cmd, "bench_line.json"))
    if "respond" in args.parts:
        out.append(("respond", py + ["bench.bench_respond"], "bench_respond.json"))
    if "multicast" in args.parts:
        out.append(("multicast", py + ["bench.bench_multicast", "--followers", str(args.followers)],
                    "bench_multicast.json"))
    return out


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--only", default="", help=f"comma-separated parts: {', '.join(PARTS)} (default: all)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose Procfile and bot are run")
    p.add_argument("--postgres", default=default_postgres(), metavar="URL",
                   help="PostgreSQL server for the bot's database of its own (env BENCH_POSTGRES_URL)")
    p.add_argument("--sqlite", action="store_const", const=None, dest="postgres",
                   help="SQLite instead (the bot then runs one process)")
    p.add_argument("--plain", action="store_true", help="the fake LINE API without TLS")
    p.add_argument("--line-delay-ms", type=float, default=50)
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--followers", type=int, help="broadcast audience (default 100,000, quick 20,000)")
    args = p.parse_args(argv)
    args.followers = args.followers or (20_000 if args.quick else 100_000)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in PARTS]
    if unknown:
        p.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    args.parts = [n for n in PARTS if n in chosen] if chosen else list(PARTS)
    args.repo = args.repo.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    failed = []
    for group, command, filename in commands(args):
        print(f"== {group}: {' '.join(command[2:])}", flush=True)
        (RESULTS / filename).unlink(missing_ok=True)
        if subprocess.run(command, cwd=ROOT).returncode != 0 or not (RESULTS / filename).exists():
            failed.append(group)
            continue
        results[group] = json.loads((RESULTS / filename).read_text(encoding="utf-8"))
    info = report.machine()
    figures = report.build(results)
    table = report.markdown(figures, info, results)
    document = json.dumps(report.as_json(figures, info, results), indent=2, ensure_ascii=False) + "\n"
    # The latest run, and a copy kept per run (a partial run must not hide the last full one)
    stamp = f"{info['at'][:19].replace(':', '')}-{info['commit'][:8]}"
    (RESULTS / "runs").mkdir(exist_ok=True)
    for name in ("bench", f"runs/{stamp}"):
        (RESULTS / f"{name}.md").write_text(table, encoding="utf-8")
        (RESULTS / f"{name}.json").write_text(document, encoding="utf-8")
    print()
    print(table)
    print(f"written: {RESULTS / 'bench.md'}, {RESULTS / 'bench.json'}")
    if failed:
        print(f"FAILED parts: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench`: run the benchmarks (on demand; never part of `make test`), each part in its own
process so that one part's memory and imports do not colour another's; then write bench/results/bench.md
and bench/results/bench.json and print the table. See bench/README.md.

    python -m bench                               # everything (a few minutes)
    python -m bench --only webhook,respond        # some parts: webhook, tls, respond, multicast
    python -m bench --quick                       # shorter runs, smaller counts (a smoke test of the harness)
    python -m bench --messages 30000              # memory after 30,000 messages, as issue 16 measures it
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from . import report

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PARTS = ("webhook", "tls", "respond", "multicast")
LEGACY = {"bench_webhook": "webhook", "bench_respond": "respond", "bench_multicast": "multicast"}


def part_command(part: str, args) -> tuple[list[str], str]:
    """The command that runs one part, and the results file it writes."""
    py = [sys.executable, "-m"]
    if part in ("webhook", "tls"):
        common = ["--seconds", str(args.seconds), "--connections", str(args.connections)]
        if part == "webhook":
            return py + ["bench.bench_webhook", *common, "--rate", str(args.rate), "--open-seconds",
                         str(args.open_seconds), "--messages", str(args.messages)], "bench_webhook.json"
        return py + ["bench.bench_webhook", *common, "--tls-only", "--out", "bench_tls.json"], "bench_tls.json"
    if part == "respond":
        return py + ["bench.bench_respond"], "bench_respond.json"
    return py + ["bench.bench_multicast", "--followers", str(args.followers)], "bench_multicast.json"


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("names", nargs="*", help=argparse.SUPPRESS)  # `python -m bench bench_multicast` still works
    p.add_argument("--only", default="", help=f"comma-separated parts: {', '.join(PARTS)} (default: all)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seconds", type=float, help="closed-loop seconds (default 15, quick 5)")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--open-seconds", type=float, help="open-loop seconds (default 10, quick 3)")
    p.add_argument("--messages", type=int, help="messages before the second memory reading (default 3000, quick 0)")
    p.add_argument("--followers", type=int, help="broadcast audience (default 100,000, quick 20,000)")
    args = p.parse_args(argv)
    args.seconds = args.seconds or (5 if args.quick else 15)
    args.open_seconds = args.open_seconds or (3 if args.quick else 10)
    args.messages = args.messages if args.messages is not None else (0 if args.quick else 3000)
    args.followers = args.followers or (20_000 if args.quick else 100_000)
    chosen = [LEGACY.get(n, n) for n in args.names] + [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in PARTS]
    if unknown:
        p.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    args.parts = [n for n in PARTS if n in chosen] if chosen else list(PARTS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    failed = []
    for part in args.parts:
        command, filename = part_command(part, args)
        print(f"== {part}: {' '.join(command[2:])}", flush=True)
        (RESULTS / filename).unlink(missing_ok=True)
        if subprocess.run(command, cwd=ROOT).returncode != 0 or not (RESULTS / filename).exists():
            failed.append(part)
            continue
        results[part] = json.loads((RESULTS / filename).read_text(encoding="utf-8"))
    info = report.machine()
    figures = report.build(results)
    table = report.markdown(figures, info)
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

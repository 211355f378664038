"""The LINE webhook on the network it lives on: the bot deployed by its own Procfile (PostgreSQL, or SQLite
and one process when no server answers) and line-bot-sdk's echo bot served with the same gunicorn worker
class, workers and threads, both answering to one fake LINE API behind TLS, `--line-delay-ms` away
(bench/fake_line_api.py), in the same run. Parts, in this order:

- latency: `--rate` signed events a second for `--seconds`: events answered, arrival → answer at LINE,
  webhook latency;
- hang: the same load for `--hang-load-seconds`, LINE hanging `--hang-seconds` in its middle: webhook
  latency meanwhile, and after recovery answers lost and answered twice;
- cpu: LINE 0 ms away, a closed loop of `--connections`: CPU of the app's processes per answered message,
  a web worker's RSS;
- kill: the latency load for `--kill-seconds`, every web worker killed (SIGKILL) twice; gunicorn
  respawns them: answers lost and doubled.

After each load the bench waits until the app owes nothing (every event answered and, for the bot, no LINE
message left unsent in its outbox), at most `--settle` seconds; what is still owed then is reported.

    python -m bench --only latency,hang      # or: python -m bench.bench_line --parts latency,hang [...]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from . import procs
from .procfile import processes
from .database import default_postgres, owed_answers, postgres_answers, scratch_database
from .load import Event, Events, closed_loop, open_loop
from .servers import SECRET, FakeApi, Served, fake_api, serve_bot, serve_echo
from .tally import answers_by_event, tally

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
UTTERANCES = ROOT / "tests" / "data" / "utterances_heldout.jsonl"
PARTS = ("latency", "hang", "cpu", "kill")
WARM_UP = 200
KINDS = ("bot", "echo")

# A chat handed over to a person (the `handoff` intent) is the person's until staff close it: the bot keeps
# that user's later messages for staff, unanswered; the bench has no staff. Left out, as they always were.
HELD_BY_A_PERSON = {"handoff"}


def utterances() -> list[str]:
    """The public held-out utterances the bot answers itself."""
    rows = [json.loads(line) for line in UTTERANCES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["text"] for row in rows if row.get("intent") not in HELD_BY_A_PERSON]


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += procs.cpu_seconds(pid)
        except OSError:
            pass
    return total


def settle(served: Served, api: FakeApi, events: list[Event], cap: float) -> dict:
    """Waits until the app owes nothing: every event answered and nothing owed in the bot's outbox, LINE
    quiet for a second; or, with events unanswered and nothing owed, quiet for 5 s; at most `cap` s."""
    start = time.monotonic()
    last_count, quiet_since = -1, start
    owed = None
    while True:
        records = api.fetch()
        if len(records) != last_count:
            last_count, quiet_since = len(records), time.monotonic()
        unanswered = len(events) - len(answers_by_event(events, records))
        owed = owed_answers(served.database_url) if served.database_url else 0
        quiet = time.monotonic() - quiet_since
        if (not owed and ((unanswered == 0 and quiet >= 1) or quiet >= 5)) or time.monotonic() - start > cap:
            break
        time.sleep(0.5)
    return {"settle_seconds": round(time.monotonic() - start, 1), "unanswered_at_end": unanswered,
            "owed_at_end": owed}


def warm_up(served: Served, events: Events) -> None:
    """First requests load what each worker loads lazily, and open its connections."""
    closed_loop("127.0.0.1", served.port, served.path, events, 8, messages=WARM_UP)


def offered(served: Served, api: FakeApi, events: Events, args, seconds: float, during=None) -> dict:
    made = open_loop("127.0.0.1", served.port, served.path, events, args.rate, seconds, during=during)
    return {"events": made, **settle(served, api, made, args.settle)}


def part_latency(servers, api, events, args) -> dict:
    return {kind: offered(s, api, events[kind], args, args.seconds) for kind, s in servers.items()}


def part_hang(servers, api, events, args) -> dict:
    out = {}
    hang_at = (args.hang_load_seconds - args.hang_seconds) / 2
    for kind, served in servers.items():
        window: list[float] = []

        def during(elapsed: float) -> None:
            if not window and elapsed >= hang_at:
                window.append(time.monotonic())
                api.hang(args.hang_seconds)
                window.append(window[0] + args.hang_seconds)

        out[kind] = {**offered(served, api, events[kind], args, args.hang_load_seconds, during),
                     "hang_seconds": args.hang_seconds, "hang_window": window}
    return out


def part_cpu(servers, api, events, args, rounds: int = 3) -> dict:
    """Closed loop with LINE 0 ms away, bot and echo taking turns in `rounds` slices (bot, echo, bot, ...)
    so that a neighbour's load falls on both alike; each slice's CPU is read once its answers are in."""
    api.set_delay(0)
    out = {kind: {"events": [], "cpu_seconds": 0.0, "web_worker_cpu_seconds": 0.0, "seconds": 0.0}
           for kind in servers}
    try:
        for _ in range(rounds):
            for kind, served in servers.items():
                pids, workers = served.pids(), served.workers()
                cpu0, web0, start = cpu_seconds(pids), cpu_seconds(workers), time.monotonic()
                made = closed_loop("127.0.0.1", served.port, served.path, events[kind], args.connections,
                                   seconds=args.cpu_seconds / rounds)
                elapsed = time.monotonic() - start
                settle(served, api, made, 10)
                r = out[kind]
                r["events"] += made
                r["cpu_seconds"] += cpu_seconds(pids) - cpu0
                r["web_worker_cpu_seconds"] += cpu_seconds(workers) - web0
                r["seconds"] += elapsed
    finally:
        api.set_delay(args.line_delay_ms)
    for kind, served in servers.items():
        workers = served.workers()
        out[kind].update(worker_rss_mb=[procs.rss_mb(p) for p in workers],
                         tree_pss_mb=round(sum(procs.pss_mb(p) for p in served.pids()), 1),
                         connections=args.connections)
    return out


def part_kill(servers, api, events, args) -> dict:
    out = {}
    moments = [args.kill_seconds * 0.3, args.kill_seconds * 0.65]
    for kind, served in servers.items():
        killed: list[dict] = []

        def during(elapsed: float) -> None:
            if len(killed) < len(moments) and elapsed >= moments[len(killed)]:
                pids = served.workers()
                for pid in pids:
                    os.kill(pid, signal.SIGKILL)
                killed.append({"at_seconds": round(elapsed, 2), "pids": pids})

        result = offered(served, api, events[kind], args, args.kill_seconds, during)
        out[kind] = {**result, "killed": killed, "workers_after": len(served.workers())}
    return out


PART = {"latency": part_latency, "hang": part_hang, "cpu": part_cpu, "kill": part_kill}


def summarise(raw: dict, records: list[dict]) -> dict:
    """Each part's events tallied against every record LINE kept (late answers count), events dropped."""
    out = {}
    for part, by_kind in raw.items():
        out[part] = {}
        for kind, r in by_kind.items():
            events = r.pop("events")
            figures = {**r, **tally(events, records)}
            if part == "cpu":
                answered = figures["answered"]
                figures.update(
                    messages_per_second=round(answered / r["seconds"], 1) if r["seconds"] else None,
                    cpu_ms_per_answer=round(r["cpu_seconds"] * 1000 / answered, 2) if answered else None,
                    web_worker_cpu_ms_per_answer=round(r["web_worker_cpu_seconds"] * 1000 / answered, 2)
                    if answered else None)
            if part == "hang" and r.get("hang_window"):
                begin, end = r["hang_window"]
                during = [e for e in events if begin <= e.scheduled < end]
                figures["webhook_during_hang"] = tally(during, records)["webhook"]
            out[part][kind] = figures
    return out


def run(args) -> dict:
    why_not = postgres_answers(args.postgres) if args.postgres else "--sqlite given"
    database = "postgresql" if why_not is None else "sqlite"
    if why_not:
        print(f"  no PostgreSQL ({why_not}): the bot runs on SQLite, ONE web worker and no outbox worker "
              f"process, and the echo bot with one worker too", flush=True)
    texts = utterances()
    raw: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-line-") as tmp, ExitStack() as stack:
        tmp = Path(tmp)
        ca = cert = key = None
        if not args.plain:
            from .tls import make_certificates

            certs = make_certificates(tmp)
            ca, cert, key = certs.ca, certs.cert, certs.key
        api = stack.enter_context(fake_api(cert, key, delay_ms=args.line_delay_ms))
        url = stack.enter_context(scratch_database(args.postgres if database == "postgresql" else None))
        bot = stack.enter_context(serve_bot(args.repo, api.url, tmp / "bot", url, ca, one_process=database == "sqlite"))
        echo = stack.enter_context(serve_echo(api.url, tmp / "echo", bot.settings, ca))
        servers = {"bot": bot, "echo": echo}
        events = {kind: Events(SECRET, texts, users=None, tag=tag) for kind, tag in (("bot", "b"), ("echo", "e"))}
        for kind, served in servers.items():
            warm_up(served, events[kind])
        for part in args.parts:
            started = time.monotonic()
            raw[part] = PART[part](servers, api, events, args)
            print(f"  {part}: {time.monotonic() - started:.0f} s", flush=True)
        records = api.fetch()
        settings = {"database": database, "no_postgresql_because": why_not, "tls": not args.plain,
                    "line_delay_ms": args.line_delay_ms, "gunicorn": bot.settings,
                    "procfile_web": processes(args.repo).get("web"), "repo": str(args.repo),
                    "repo_commit": commit_of(args.repo),
                    "bot_processes": ["web"] + (["worker"] if bot.others else []),
                    "ready_seconds": {"bot": bot.ready_seconds, "echo": echo.ready_seconds},
                    "rate": args.rate, "seconds": args.seconds, "hang_load_seconds": args.hang_load_seconds,
                    "hang_seconds": args.hang_seconds, "cpu_seconds": args.cpu_seconds,
                    "kill_seconds": args.kill_seconds, "settle_cap_seconds": args.settle,
                    "fake_line_counts": api.counts()}
        logs = {kind: s.log.read_text(errors="replace")[-2000:] for kind, s in servers.items()}
    return {"settings": settings, **summarise(raw, records), "log_tails": logs}


def commit_of(repo: Path) -> str | None:
    """The bot's commit, with "+changes" when its tracked files differ from it."""
    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *a], capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short=10", "HEAD")
    return f"{head}+changes" if head and git("status", "--porcelain", "--untracked-files=no") else head or None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bench_line", description=__doc__.split("\n\n")[0])
    p.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated: {', '.join(PARTS)}")
    p.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose Procfile and bot are run")
    p.add_argument("--postgres", default=default_postgres(), metavar="URL",
                   help="server on which a database of the run's own is made (env BENCH_POSTGRES_URL)")
    p.add_argument("--sqlite", action="store_const", const=None, dest="postgres", help="SQLite, one process")
    p.add_argument("--plain", action="store_true", help="the fake LINE API without TLS")
    p.add_argument("--line-delay-ms", type=float, default=50)
    p.add_argument("--rate", type=float, default=200, help="events a second (default 200)")
    p.add_argument("--seconds", type=float, default=10, help="latency load (default 10)")
    p.add_argument("--hang-load-seconds", type=float, default=25)
    p.add_argument("--hang-seconds", type=float, default=15)
    p.add_argument("--cpu-seconds", type=float, default=15, help="closed loop, each app (default 15)")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--kill-seconds", type=float, default=10)
    p.add_argument("--settle", type=float, default=130, help="longest wait for what is owed (default 130)")
    p.add_argument("--quick", action="store_true", help="short loads: a smoke test of the harness")
    p.add_argument("--out", default="bench_line.json", help="file name in bench/results/")
    return p


def parse(argv: list[str]) -> argparse.Namespace:
    args = parser().parse_args(argv)
    if args.quick:
        args.seconds, args.hang_load_seconds, args.hang_seconds = 3, 8, 3
        args.cpu_seconds, args.kill_seconds, args.settle = 3, 4, 30
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser().error(f"unknown part(s): {', '.join(sorted(unknown))}")
    args.repo = args.repo.resolve()
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse(sys.argv[1:] if argv is None else argv)
    result = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for part in args.parts:
        for kind in KINDS:
            r = {k: v for k, v in result[part][kind].items() if k not in ("hang_window",)}
            print(f"  {part} {kind}: {json.dumps(r, ensure_ascii=False)}", flush=True)
    return result


if __name__ == "__main__":
    main()

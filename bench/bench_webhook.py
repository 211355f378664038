"""The LINE webhook served as in production (gunicorn, 2 sync workers, SQLite), against the SDK's own echo
bot served the same way, both answering to the same local fake LINE API (its own process) in the same run:

- closed loop: 8 connections for `--seconds` (bot and echo taking turns in 3 slices): answered messages a second (counted by the fake API) and
  web-worker CPU per message (/proc of the worker pids);
- open loop: `--rate` signed events a second for `--open-seconds`, latency from each scheduled send time;
- memory: one worker's RSS and the process tree's PSS (gunicorn --preload) after warm-up and after
  `--messages` messages in all;
- TLS (`--tls`): the fake behind TLS with a throw-away CA the apps trust through SSL_CERT_FILE; the echo
  opens a new ApiClient (a new TLS connection) per event, as the SDK's example does. Closed loop only.

    python -m bench --only webhook          # or: python -m bench.bench_webhook [--seconds 15] [--tls] ...
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from . import procs
from .load import Events, closed_loop, open_loop
from .servers import SECRET, Served, fake_api, serve
from .stats import summary_ms

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
UTTERANCES = ROOT / "tests" / "data" / "utterances_heldout.jsonl"
WARM_UP = 300


# A chat handed over to a person (the `handoff` intent) is the person's until staff close it: the bot keeps
# every later message of that user for staff, unanswered. The benchmark has no staff, so each such
# utterance silenced its user for the rest of the run (5-7 % of a 15 s run's messages, growing with its
# length), measuring silence against the echo's answers. Those utterances are left out here.
HELD_BY_A_PERSON = {"handoff"}


def utterances() -> list[str]:
    """The public held-out utterances the bot answers itself."""
    rows = [json.loads(line) for line in UTTERANCES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["text"] for row in rows if row.get("intent") not in HELD_BY_A_PERSON]


def memory(served: Served) -> dict:
    workers = served.workers()
    return {"worker_rss_mb": max(procs.rss_mb(p) for p in workers),
            "tree_pss_mb": round(sum(procs.pss_mb(p) for p in [served.master, *workers]), 1),
            "tree_rss_mb": round(sum(procs.rss_mb(p) for p in [served.master, *workers]), 1)}


def worker_cpu(pids: list[int]) -> float:
    return sum(procs.cpu_seconds(p) for p in pids)


def closed(served: Served, api, events: Events, rounds: list[float], connections: int) -> dict:
    """Closed-loop figures summed over this server's rounds (see `interleaved`)."""
    pids = served.workers()
    cpu = answered = elapsed = 0.0
    latencies: list[float] = []  # of the events the app accepted (HTTP 200)
    errors: dict[str, int] = {}
    sent = opened_connections = 0
    for seconds in rounds:
        cpu0, counts0 = worker_cpu(pids), api.counts()
        out = closed_loop("127.0.0.1", served.port, served.path, events, connections, seconds=seconds)
        cpu += worker_cpu(pids) - cpu0
        counts1 = api.counts()
        answered += counts1["reply"] + counts1["push"] - counts0["reply"] - counts0["push"]
        opened_connections += counts1["connections"] - counts0["connections"] - 1  # less the harness's own
        elapsed += out.elapsed
        latencies += out.latencies
        sent += out.sent
        for k, v in out.errors.items():
            errors[k] = errors.get(k, 0) + v
    answered, accepted = int(answered), len(latencies)
    return {"connections": connections, "seconds": round(elapsed, 2), "rounds": len(rounds), "sent": sent,
            "accepted": accepted, "answered": answered, "messages_per_second": round(answered / elapsed, 1),
            "worker_cpu_ms_per_message": round(cpu * 1000 / accepted, 2) if accepted else None,
            "worker_cpu_ms_per_answer": round(cpu * 1000 / answered, 2) if answered else None,
            "latency": summary_ms(latencies), "errors": errors, "workers_restarted": pids != served.workers(),
            "api_connections": opened_connections, "_latencies": latencies}


def interleaved(servers: dict[str, Served], api, events: dict[str, Events], seconds: float, connections: int,
                rounds: int = 3) -> dict[str, dict]:
    """Bot and echo take turns (bot, echo, bot, echo, ...) in `rounds` slices of the closed-loop time, so that
    the load other processes put on a shared machine falls on both alike and the ratio means something."""
    slices = [seconds / rounds] * rounds
    parts: dict[str, list[dict]] = {kind: [] for kind in servers}
    for i in range(rounds):
        for kind, served in servers.items():
            parts[kind].append(closed(served, api, events[kind], [slices[i]], connections))
    return {kind: merge(runs) for kind, runs in parts.items()}


def merge(runs: list[dict]) -> dict:
    answered = sum(r["answered"] for r in runs)
    accepted = sum(r["accepted"] for r in runs)
    elapsed = sum(r["seconds"] for r in runs)
    cpu = sum((r["worker_cpu_ms_per_message"] or 0) * r["accepted"] for r in runs)
    errors: dict[str, int] = {}
    for r in runs:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    return {"connections": runs[0]["connections"], "seconds": round(elapsed, 2), "rounds": len(runs),
            "sent": sum(r["sent"] for r in runs), "accepted": accepted, "answered": answered,
            "messages_per_second": round(answered / elapsed, 1) if elapsed else None,
            "messages_per_second_by_round": [r["messages_per_second"] for r in runs],
            "worker_cpu_ms_per_message": round(cpu / accepted, 2) if accepted else None,
            "worker_cpu_ms_per_answer": round(cpu / answered, 2) if answered else None,
            "latency": summary_ms([x for r in runs for x in r["_latencies"]]),
            # connections the app opened to the LINE API: pooled, a handful; one per reply otherwise
            "api_connections_per_message": round(sum(r["api_connections"] for r in runs) / answered, 3)
            if answered else None,
            "errors": errors, "workers_restarted": any(r["workers_restarted"] for r in runs)}


def opened(served: Served, api, events: Events, rate: float, seconds: float) -> dict:
    answered0 = api.answered()
    out = open_loop("127.0.0.1", served.port, served.path, events, rate, seconds)
    return {"rate": rate, "seconds": seconds, "sent": out.sent, "answered": api.answered() - answered0,
            "finished_after_seconds": round(out.elapsed, 2), "latency": summary_ms(out.latencies),
            "errors": out.errors}


def measure(api, tmp: Path, args, ca: Path | None = None) -> dict[str, dict]:
    """Both apps served at once, each with its own workers: warm-up, memory, interleaved closed loop, then
    (plain HTTP only) each one's open loop, a soak up to `--messages`, memory again."""
    kinds = ("bot", "echo")
    events = {kind: Events(SECRET, utterances()) for kind in kinds}
    results: dict[str, dict] = {kind: {} for kind in kinds}
    with ExitStack() as stack:
        servers = {kind: stack.enter_context(serve(kind, api.url, tmp / kind, ca=ca, preload=True)) for kind in kinds}
        for kind, served in servers.items():
            closed_loop("127.0.0.1", served.port, served.path, events[kind], args.connections, messages=WARM_UP)
            results[kind]["ready_seconds"] = served.ready_seconds
            results[kind]["memory_after_warm_up"] = memory(served)
        for kind, figures in interleaved(servers, api, events, args.seconds, args.connections).items():
            results[kind]["closed_loop"] = figures
        if ca is None:
            for kind, served in servers.items():
                r = results[kind]
                r["open_loop"] = opened(served, api, events[kind], args.rate, args.open_seconds)
                sent = WARM_UP + r["closed_loop"]["sent"] + r["open_loop"]["sent"]
                if args.messages > sent:
                    soak = closed_loop("127.0.0.1", served.port, served.path, events[kind], args.connections,
                                       messages=args.messages - sent)
                    sent += soak.sent
                    r["soak_errors"] = soak.errors
                r["messages_in_all"] = sent
                r["memory_after_all"] = memory(served)
    for kind in kinds:
        print(f"  {kind}{' (TLS)' if ca else ''}: {json.dumps(results[kind], ensure_ascii=False)}", flush=True)
    return results


def run(args) -> dict:
    out: dict = {"settings": {"workers": 2, "worker_class": "sync", "preload": True, "database": "sqlite",
                              "connections": args.connections, "closed_loop_seconds": args.seconds,
                              "open_loop_rate": args.rate, "open_loop_seconds": args.open_seconds,
                              "messages": args.messages}}
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp:
        tmp = Path(tmp)
        if not args.tls_only:
            with fake_api() as api:
                out["plain"] = measure(api, tmp / "plain", args)
        if args.tls or args.tls_only:
            from .tls import make_certificates

            certs = make_certificates(tmp)
            with fake_api(certs.cert, certs.key) as api:
                out["tls"] = measure(api, tmp / "tls", args, ca=certs.ca)
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bench_webhook")
    p.add_argument("--seconds", type=float, default=15, help="closed-loop duration (default 15)")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--rate", type=float, default=200, help="open-loop events a second (default 200)")
    p.add_argument("--open-seconds", type=float, default=10)
    p.add_argument("--messages", type=int, default=5000,
                   help="messages in all before the second memory reading (30000 for the issue's figure)")
    p.add_argument("--tls", action="store_true", help="also run the TLS variant (closed loop)")
    p.add_argument("--tls-only", action="store_true", help="run only the TLS variant")
    p.add_argument("--out", default="bench_webhook.json", help="file name in bench/results/")
    return p


def main(argv: list[str] | None = None) -> dict:
    args = parser().parse_args(argv or [])
    result = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

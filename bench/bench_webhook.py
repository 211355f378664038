"""The LINE webhook served as in production (gunicorn, 2 sync workers, SQLite), against the SDK's own echo
bot served the same way, both answering to the same local fake LINE API (its own process) in the same run:

- closed loop: 8 connections for `--seconds`: answered messages a second (counted by the fake API) and
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
from pathlib import Path

from . import procs
from .load import Events, closed_loop, open_loop
from .servers import SECRET, Served, fake_api, serve
from .stats import summary_ms

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
UTTERANCES = ROOT / "tests" / "data" / "utterances_heldout.jsonl"
WARM_UP = 300


def utterances() -> list[str]:
    return [json.loads(line)["text"] for line in UTTERANCES.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def memory(served: Served) -> dict:
    workers = served.workers()
    return {"worker_rss_mb": max(procs.rss_mb(p) for p in workers),
            "tree_pss_mb": round(sum(procs.pss_mb(p) for p in [served.master, *workers]), 1),
            "tree_rss_mb": round(sum(procs.rss_mb(p) for p in [served.master, *workers]), 1)}


def worker_cpu(pids: list[int]) -> float:
    return sum(procs.cpu_seconds(p) for p in pids)


def closed(served: Served, api, events: Events, seconds: float, connections: int) -> dict:
    pids = served.workers()
    cpu0, answered0 = worker_cpu(pids), api.answered()
    out = closed_loop("127.0.0.1", served.port, served.path, events, connections, seconds=seconds)
    cpu1, answered1 = worker_cpu(pids), api.answered()
    answered = answered1 - answered0
    return {"connections": connections, "seconds": round(out.elapsed, 2), "sent": out.sent, "answered": answered,
            "messages_per_second": round(answered / out.elapsed, 1),
            "worker_cpu_ms_per_message": round((cpu1 - cpu0) * 1000 / answered, 2) if answered else None,
            "latency": summary_ms(out.latencies), "errors": out.errors,
            "workers_restarted": pids != served.workers()}


def opened(served: Served, api, events: Events, rate: float, seconds: float) -> dict:
    answered0 = api.answered()
    out = open_loop("127.0.0.1", served.port, served.path, events, rate, seconds)
    return {"rate": rate, "seconds": seconds, "sent": out.sent, "answered": api.answered() - answered0,
            "finished_after_seconds": round(out.elapsed, 2), "latency": summary_ms(out.latencies),
            "errors": out.errors}


def measure(kind: str, api, tmp: Path, args, ca: Path | None = None) -> dict:
    events = Events(SECRET, utterances())
    with serve(kind, api.url, tmp / kind, ca=ca, preload=True) as served:
        started = time.perf_counter()
        closed_loop("127.0.0.1", served.port, served.path, events, args.connections, messages=WARM_UP)
        result: dict = {"memory_after_warm_up": memory(served)}
        result["closed_loop"] = closed(served, api, events, args.seconds, args.connections)
        if ca is None:
            result["open_loop"] = opened(served, api, events, args.rate, args.open_seconds)
            sent = WARM_UP + result["closed_loop"]["sent"] + result["open_loop"]["sent"]
            if args.messages > sent:
                soak = closed_loop("127.0.0.1", served.port, served.path, events, args.connections,
                                   messages=args.messages - sent)
                sent += soak.sent
                result["soak_errors"] = soak.errors
            result["messages_in_all"] = sent
            result["memory_after_all"] = memory(served)
        result["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(f"  {kind}{' (TLS)' if ca else ''}: {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


def run(args) -> dict:
    out: dict = {"settings": {"workers": 2, "worker_class": "sync", "preload": True, "database": "sqlite",
                              "connections": args.connections, "closed_loop_seconds": args.seconds,
                              "open_loop_rate": args.rate, "open_loop_seconds": args.open_seconds,
                              "messages": args.messages}}
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp:
        tmp = Path(tmp)
        if not args.tls_only:
            with fake_api() as api:
                out["plain"] = {kind: measure(kind, api, tmp / "plain", args) for kind in ("bot", "echo")}
        if args.tls or args.tls_only:
            from .tls import make_certificates

            certs = make_certificates(tmp)
            with fake_api(certs.cert, certs.key) as api:
                out["tls"] = {kind: measure(kind, api, tmp / "tls", args, ca=certs.ca) for kind in ("bot", "echo")}
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
    return p


def main(argv: list[str] | None = None) -> dict:
    args = parser().parse_args(argv or [])
    result = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_webhook.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

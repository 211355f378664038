"""One table and one JSON file for a `python -m bench` run: each figure with its baseline (measured in the
same run), the ratio, the issue's target and whether it is met, plus the machine and commit it ran on."""
from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from .stats import ratio

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    part: str
    name: str
    unit: str
    bot: float | None
    baseline: float | None
    baseline_name: str
    target: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        return ratio(self.bot, self.baseline)


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {"cpu_count": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "platform": platform.platform(), "commit": git("rev-parse", "HEAD"), "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _get(d: dict | None, *keys):
    for key in keys:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _le(value, limit) -> bool | None:
    return None if value is None else value <= limit


def webhook_figures(variant: str, data: dict) -> list[Figure]:
    bot, echo = data.get("bot", {}), data.get("echo", {})
    part = "webhook" if variant == "plain" else "webhook over TLS"
    echo_name = "echo bot" if variant == "plain" else "echo bot, new ApiClient per event"
    out = []
    tput_b, tput_e = _get(bot, "closed_loop", "messages_per_second"), _get(echo, "closed_loop", "messages_per_second")
    r = ratio(tput_b, tput_e)
    floor = 0.8 if variant == "plain" else 1.0
    out.append(Figure(part, "answered messages a second (closed loop, 8 connections)", "msg/s", tput_b, tput_e,
                      echo_name, f"≥ {floor}× echo", None if r is None else r >= floor))
    cpu_b, cpu_e = (_get(x, "closed_loop", "worker_cpu_ms_per_message") for x in (bot, echo))
    r = ratio(cpu_b, cpu_e)
    out.append(Figure(part, "web-worker CPU per message", "ms", cpu_b, cpu_e, echo_name,
                      "≤ 1.25× echo" if variant == "plain" else "report", _le(r, 1.25) if variant == "plain" else None))
    out.append(Figure(part, "web-worker CPU per message answered", "ms",
                      _get(bot, "closed_loop", "worker_cpu_ms_per_answer"),
                      _get(echo, "closed_loop", "worker_cpu_ms_per_answer"), echo_name, "report", None))
    # accepted (HTTP 200) less answered (replies and pushes the fake counted; an answer of more than five
    # messages is a reply and a push, so this slightly undercounts)
    quiet = [max(0, (_get(x, "closed_loop", "accepted") or 0) - (_get(x, "closed_loop", "answered") or 0))
             for x in (bot, echo)]
    out.append(Figure(part, "messages kept without an answer (a person holds the chat)", "count", quiet[0],
                      quiet[1], echo_name, "report", None))
    out.append(Figure(part, "connections opened to the LINE API per message", "count",
                      _get(bot, "closed_loop", "api_connections_per_message"),
                      _get(echo, "closed_loop", "api_connections_per_message"), echo_name, "report", None))
    for key in ("p50_ms", "p99_ms"):
        out.append(Figure(part, f"closed loop latency {key[:3]}", "ms", _get(bot, "closed_loop", "latency", key),
                          _get(echo, "closed_loop", "latency", key), echo_name, "report", None))
    if variant != "plain":
        return out
    rate = _get(bot, "open_loop", "rate") or _get(echo, "open_loop", "rate")
    label = f"open loop {rate:g} events/s" if rate else "open loop"
    errors_b = sum((_get(bot, "open_loop", "errors") or {}).values()) if _get(bot, "open_loop") else None
    errors_e = sum((_get(echo, "open_loop", "errors") or {}).values()) if _get(echo, "open_loop") else None
    p99 = _get(bot, "open_loop", "latency", "p99_ms")
    out += [
        Figure(part, f"{label}: p50 latency", "ms", _get(bot, "open_loop", "latency", "p50_ms"),
               _get(echo, "open_loop", "latency", "p50_ms"), echo_name, "report", None),
        Figure(part, f"{label}: p99 latency", "ms", p99, _get(echo, "open_loop", "latency", "p99_ms"), echo_name,
               "≤ 50 ms", _le(p99, 50)),
        Figure(part, f"{label}: max latency", "ms", _get(bot, "open_loop", "latency", "max_ms"),
               _get(echo, "open_loop", "latency", "max_ms"), echo_name, "report", None),
        Figure(part, f"{label}: errors", "count", errors_b, errors_e, echo_name, "0", None if errors_b is None
               else errors_b == 0),
        Figure(part, f"{label}: all answered after", "s", _get(bot, "open_loop", "finished_after_seconds"),
               _get(echo, "open_loop", "finished_after_seconds"), echo_name, "≈ duration", None),
    ]
    rss_b = _get(bot, "memory_after_all", "worker_rss_mb")
    pss_b = _get(bot, "memory_after_all", "tree_pss_mb")
    messages = _get(bot, "messages_in_all")
    out += [
        Figure("memory", "one web worker RSS after warm-up", "MB", _get(bot, "memory_after_warm_up", "worker_rss_mb"),
               _get(echo, "memory_after_warm_up", "worker_rss_mb"), "echo bot", "< 150 MB",
               None if _get(bot, "memory_after_warm_up") is None
               else _get(bot, "memory_after_warm_up", "worker_rss_mb") < 150),
        Figure("memory", f"one web worker RSS after {messages or 0:,} messages", "MB", rss_b,
               _get(echo, "memory_after_all", "worker_rss_mb"), "echo bot", "< 150 MB",
               None if rss_b is None else rss_b < 150),
        Figure("memory", "web process tree PSS (--preload, 2 workers), after", "MB", pss_b,
               _get(echo, "memory_after_all", "tree_pss_mb"), "echo bot", "< 350 MB",
               None if pss_b is None else pss_b < 350),
    ]
    grow_b = _growth(bot)
    out.append(Figure("memory", "worker RSS growth over the run", "MB", grow_b, _growth(echo), "echo bot",
                      "flat (≤ 5 MB)", _le(grow_b, 5)))
    out.append(Figure("start-up", "launch to both workers answering (--preload)", "s", _get(bot, "ready_seconds"),
                      _get(echo, "ready_seconds"), "echo bot", "report", None))
    return out


def _growth(d: dict) -> float | None:
    before, after = _get(d, "memory_after_warm_up", "worker_rss_mb"), _get(d, "memory_after_all", "worker_rss_mb")
    return None if before is None or after is None else round(after - before, 1)


def respond_figures(data: dict) -> list[Figure]:
    seg = "PyThaiNLP segmentation alone"
    out = []
    for key, label in (("state_in_sqlite", "state in SQLite"), ("state_in_memory", "state in memory")):
        med, p99 = _get(data, key, "median_ms"), _get(data, key, "p99_ms")
        sqlite = key == "state_in_sqlite"
        out.append(Figure("understand + answer", f"median, {label}", "ms", med,
                          _get(data, "baseline_segmentation", "median_ms"), seg,
                          "< 1 ms" if sqlite else "report", (med < 1) if sqlite and med is not None else None))
        out.append(Figure("understand + answer", f"p99, {label}", "ms", p99,
                          _get(data, "baseline_segmentation", "p99_ms"), seg,
                          "< 3 ms" if sqlite else "report", (p99 < 3) if sqlite and p99 is not None else None))
    for key, label in (("cpu_median_ms", "CPU median"), ("cpu_p99_ms", "CPU p99")):
        out.append(Figure("understand + answer", f"{label}, state in SQLite", "ms", _get(data, "state_in_sqlite", key),
                          _get(data, "baseline_segmentation", key), seg, "report (steadier on a busy machine)", None))
    return out


def multicast_figures(data: dict) -> list[Figure]:
    n = data.get("followers", 0)
    r = data.get("ratio_total_to_baseline")
    return [
        Figure("broadcast", f"{n:,} followers → {data.get('calls')} multicast calls", "s", data.get("total_seconds"),
               data.get("baseline_bare_posts_seconds"), f"{data.get('calls')} bare POSTs", "≤ 3× bare POSTs",
               None if r is None else r <= 3),
        Figure("broadcast", "peak memory (process ru_maxrss)", "MB", data.get("peak_rss_mb"),
               data.get("rss_before_plan_mb"), "RSS before planning", "report", None),
    ]


def build(results: dict) -> list[Figure]:
    figures: list[Figure] = []
    webhook = results.get("webhook") or {}
    if "plain" in webhook:
        figures += webhook_figures("plain", webhook["plain"])
    tls = (results.get("tls") or {}).get("tls") or webhook.get("tls")
    if tls:
        figures += webhook_figures("tls", tls)
    if results.get("respond"):
        figures += respond_figures(results["respond"])
    if results.get("multicast"):
        figures += multicast_figures(results["multicast"])
    return figures


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v:,}"


def markdown(figures: list[Figure], info: dict) -> str:
    lines = [f"# Benchmarks: {info['commit'][:10]}{' (dirty)' if info['dirty'] else ''} on {info['branch']}, {info['at']}",
             "", f"{info['cpu_count']} × {info['cpu_model']}, Python {info['python']}, load average at the end "
                 f"{' / '.join(str(x) for x in info['load_average'])} (figures on a shared machine are noisy)", "",
             "| part | figure | bot | baseline | ratio | target | met |", "|---|---|---|---|---|---|---|"]
    for f in figures:
        met = "–" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.part} | {f.name} ({f.unit}) | {_fmt(f.bot)} | {_fmt(f.baseline)} ({f.baseline_name}) | "
                     f"{_fmt(f.ratio)} | {f.target} | {met} |")
    return "\n".join(lines) + "\n"


def as_json(figures: list[Figure], info: dict, results: dict) -> dict:
    return {"machine": info, "figures": [dict(asdict(f), ratio=f.ratio) for f in figures], "raw": results}

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


def _sum(d: dict | None) -> int | None:
    return None if d is None else sum(d.values())


def line_figures(data: dict) -> list[Figure]:
    """The issue's "done when", each bot figure beside the echo bot's in the same run."""
    s = data.get("settings", {})
    rate = f"{s.get('rate', 200):g}/s"
    out: list[Figure] = []

    def fig(part: str, key: str, name: str, unit: str, path: tuple, target: str = "report", met=None) -> Figure:
        bot, echo = _get(data, key, "bot", *path), _get(data, key, "echo", *path)
        f = Figure(part, name, unit, bot, echo, "echo bot", target, None)
        f.met = None if bot is None or met is None else met(bot, echo, f.ratio)
        out.append(f)
        return f

    if "latency" in data:
        part = f"LINE {s.get('line_delay_ms', 50):g} ms away, {rate} × {s.get('seconds', 10):g} s"
        events = _get(data, "latency", "bot", "events")
        fig(part, "latency", "events answered", "count", ("answered",), f"all ({events})",
            lambda b, e, r: b == events)
        fig(part, "latency", "arrival → answer at LINE, p99", "ms", ("arrival_to_answer", "p99_ms"),
            "≤ 1.5× echo", lambda b, e, r: r is not None and r <= 1.5)
        fig(part, "latency", "arrival → answer at LINE, p50", "ms", ("arrival_to_answer", "p50_ms"))
        fig(part, "latency", "webhook p99", "ms", ("webhook", "p99_ms"))
        fig(part, "latency", "webhook failures (redelivered)", "count", ("redelivered",))
    if "hang" in data:
        part = f"LINE hangs {s.get('hang_seconds', 15):g} s in a {rate} × {s.get('hang_load_seconds', 25):g} s load"
        fig(part, "hang", "webhook p99", "ms", ("webhook", "p99_ms"), "< 100 ms", lambda b, e, r: b < 100)
        fig(part, "hang", "webhook p99 of events arriving during the hang", "ms",
            ("webhook_during_hang", "p99_ms"))
        fig(part, "hang", "answers lost", "count", ("lost",), "0", lambda b, e, r: b == 0)
        fig(part, "hang", "events answered twice", "count", ("doubled",), "0", lambda b, e, r: b == 0)
        fig(part, "hang", "arrival → answer at LINE, p99", "ms", ("arrival_to_answer", "p99_ms"))
        fig(part, "hang", "still owed when the bench stopped waiting", "count", ("owed_at_end",))
    if "cpu" in data:
        part = f"LINE 0 ms away, closed loop of {_get(data, 'cpu', 'bot', 'connections') or 8}"
        fig(part, "cpu", "CPU per answered message (all the app's processes)", "ms", ("cpu_ms_per_answer",),
            "≤ 1.5× echo", lambda b, e, r: r is not None and r <= 1.5)
        fig(part, "cpu", "web-worker CPU per answered message", "ms", ("web_worker_cpu_ms_per_answer",))
        fig(part, "cpu", "answered messages a second", "msg/s", ("messages_per_second",))
        for kind in ("bot", "echo"):  # the largest worker's
            rss = _get(data, "cpu", kind, "worker_rss_mb")
            if isinstance(rss, list):
                data["cpu"][kind]["largest_worker_rss_mb"] = max(rss) if rss else None
        fig(part, "cpu", "a web worker's RSS (the largest)", "MB", ("largest_worker_rss_mb",), "< 150 MB",
            lambda b, e, r: b < 150)
        fig(part, "cpu", "PSS of all the app's processes", "MB", ("tree_pss_mb",))
    if "kill" in data:
        part = f"kill -9 every web worker twice in a {rate} × {s.get('kill_seconds', 10):g} s load"
        fig(part, "kill", "answers lost", "count", ("lost",), "0", lambda b, e, r: b == 0)
        fig(part, "kill", "events answered twice, per 500", "count", ("doubled_per_500",), "≤ 1",
            lambda b, e, r: b <= 1)
        fig(part, "kill", "still owed when the bench stopped waiting", "count", ("owed_at_end",))
        fig(part, "kill", "arrival → answer at LINE, p99", "ms", ("arrival_to_answer", "p99_ms"))
    return out


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
    if results.get("line"):
        figures += line_figures(results["line"])
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


def setup(results: dict) -> list[str]:
    """How the LINE parts ran: what served the bot, on which database, LINE over TLS or not."""
    s = _get(results, "line", "settings")
    if not s:
        return []
    g = s.get("gunicorn", {})
    served = f"{g.get('worker_class')}, {g.get('workers')} workers × {g.get('threads')} threads"
    lines = [f"Bot: Procfile `web: {s.get('procfile_web')}` ({served}; processes: "
             f"{', '.join(s.get('bot_processes', []))}) from {s.get('repo')} at {s.get('repo_commit') or '?'}, on **{s.get('database')}**"
             + (f" (no PostgreSQL: {s['no_postgresql_because']}; one process)" if s.get("no_postgresql_because") else "")
             + f". Echo bot: gunicorn, {served}. Fake LINE API {'over TLS' if s.get('tls') else 'plain HTTP'}.", ""]
    return lines


def markdown(figures: list[Figure], info: dict, results: dict | None = None) -> str:
    lines = [f"# Benchmarks: {info['commit'][:10]}{' (dirty)' if info['dirty'] else ''} on {info['branch']}, {info['at']}",
             "", f"{info['cpu_count']} × {info['cpu_model']}, Python {info['python']}, load average at the end "
                 f"{' / '.join(str(x) for x in info['load_average'])} (figures on a shared machine are noisy)", "",
             *setup(results or {}),
             "| part | figure | bot | baseline | ratio | target | met |", "|---|---|---|---|---|---|---|"]
    for f in figures:
        met = "–" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.part} | {f.name} ({f.unit}) | {_fmt(f.bot)} | {_fmt(f.baseline)} ({f.baseline_name}) | "
                     f"{_fmt(f.ratio)} | {f.target} | {met} |")
    return "\n".join(lines) + "\n"


def as_json(figures: list[Figure], info: dict, results: dict) -> dict:
    return {"machine": info, "figures": [dict(asdict(f), ratio=f.ratio) for f in figures], "raw": results}

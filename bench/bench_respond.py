"""Median time to understand and answer one message, over the public utterance set, with the report's
retrieval layer in (the fallback and the knowledge intents search the report), and over the public
knowledge questions (tests/data/knowledge_questions.jsonl), which go through that layer.

Targets (issue 16), with the conversation state in SQLite: median under 1 ms, p99 under 3 ms. Baseline,
measured in the same run: PyThaiNLP word segmentation of the same message alone (the least any Thai answer
costs), reported as a ratio. Results also go to bench/results/bench_respond.json.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from pythainlp.tokenize import word_tokenize  # noqa: E402

from bench.stats import percentile  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot import knowledge  # noqa: E402
from bot.core.conversation import Bot  # noqa: E402
from bot.core.messages import Incoming  # noqa: E402
from bot.core.state import TurnState  # noqa: E402
from bot.handlers import build_router  # noqa: E402
from bot.services import build_services  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UTTERANCES = ROOT / "tests" / "data" / "utterances_heldout.jsonl"
KNOWLEDGE = ROOT / "tests" / "data" / "knowledge_questions.jsonl"
RESULTS = ROOT / "bench" / "results"


class MemoryStates:
    """State kept in a dict, to time understanding and answering without the database."""

    def __init__(self):
        self.data: dict = {}

    @contextmanager
    def turn(self, channel, user_id, now=None, first=None):
        assert first is None  # no channel claims an event here
        state = TurnState(dict(self.data.get((channel, user_id), {})), False)
        yield state
        self.data[(channel, user_id)] = state.data


def timed(fn, items) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) per item: on a shared machine the CPU time is the steadier of the two."""
    out = []
    for item in items:
        start, cpu = time.perf_counter(), time.thread_time()
        fn(item)
        out.append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
    return out


def figures(timings: list[tuple[float, float]]) -> dict:
    wall, cpu = [w for w, _ in timings], [c for _, c in timings]
    return {"median_ms": round(statistics.median(wall), 3), "p99_ms": round(percentile(wall, 99), 3),
            "max_ms": round(max(wall), 3), "cpu_median_ms": round(statistics.median(cpu), 3),
            "cpu_p99_ms": round(percentile(cpu, 99), 3)}


def main(argv: list[str] | None = None) -> dict:
    texts = [json.loads(line)["text"] for line in UTTERANCES.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [json.loads(line)["text"] for line in KNOWLEDGE.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        services = build_services(Settings(database_url=url))
        db_bot = Bot(services, build_router())
        services_mem = build_services(Settings(database_url=url), services.understander)
        services_mem.states = MemoryStates()
        mem_bot = Bot(services_mem, build_router())
        for svc in (services, services_mem):
            knowledge.of(svc)  # the report's index is built on first use; a server builds it once
        for t in texts[:50] + questions[:20]:  # warm caches
            mem_bot.respond(Incoming("web", "warm", t))
            db_bot.respond(Incoming("web", "warm", t))
            word_tokenize(t)
        baseline = timed(word_tokenize, texts)
        core = timed(lambda t: mem_bot.respond(Incoming("web", f"u{hash(t) % 50}", t)), texts)
        full = timed(lambda t: db_bot.respond(Incoming("web", f"u{hash(t) % 50}", t)), texts)
        asked = timed(lambda t: mem_bot.respond(Incoming("web", f"q{hash(t) % 50}", t)), questions)
        services.db.dispose()
    result = {"messages": len(texts), "knowledge_questions": len(questions),
              "baseline_segmentation": figures(baseline), "state_in_memory": figures(core),
              "state_in_sqlite": figures(full), "knowledge_state_in_memory": figures(asked)}
    base = result["baseline_segmentation"]["median_ms"]
    for key, label in (("state_in_memory", "understand + answer, state in memory"),
                       ("state_in_sqlite", "understand + answer, state in SQLite"),
                       ("knowledge_state_in_memory", f"knowledge questions ({len(questions)}), state in memory")):
        f = result[key]
        print(f"  {label}: median {f['median_ms']:.3f} ms  p99 {f['p99_ms']:.3f} ms  (CPU: median "
              f"{f['cpu_median_ms']:.3f} ms, p99 {f['cpu_p99_ms']:.3f} ms)  {f['median_ms'] / base:.1f}x "
              f"segmentation alone ({base:.3f} ms)")
    print("  targets (state in SQLite): median < 1 ms, p99 < 3 ms")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_respond.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()

"""Median time to understand and answer one message, over the public utterance set, with the report's
retrieval layer in (the fallback and the knowledge intents search the report), and over the public
knowledge questions (tests/data/knowledge_questions.jsonl), which go through that layer.

Target: under 2 ms on this machine's CPU. Baseline, measured in the same run: PyThaiNLP word segmentation of
the same message alone (the least any Thai answer costs), reported as a ratio.
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


class MemoryStates:
    """State kept in a dict, to time understanding and answering without the database."""

    def __init__(self):
        self.data: dict = {}

    @contextmanager
    def turn(self, channel, user_id, now=None):
        state = TurnState(dict(self.data.get((channel, user_id), {})), False)
        yield state
        self.data[(channel, user_id)] = state.data


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
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
            word_tokenize(t)
        baseline = timed(word_tokenize, texts)
        core = timed(lambda t: mem_bot.respond(Incoming("web", f"u{hash(t) % 50}", t)), texts)
        full = timed(lambda t: db_bot.respond(Incoming("web", f"u{hash(t) % 50}", t)), texts)
        asked = timed(lambda t: mem_bot.respond(Incoming("web", f"q{hash(t) % 50}", t)), questions)
        services.db.dispose()
    base, med_core, med_full = (statistics.median(x) for x in (baseline, core, full))
    print(f"messages: {len(texts)}")
    print(f"baseline (PyThaiNLP segmentation only): median {base:.3f} ms")
    print(f"understand + answer (state in memory):  median {med_core:.3f} ms  p95 "
          f"{statistics.quantiles(core, n=20)[18]:.3f} ms  ratio {med_core / base:.1f}x  target < 2 ms: "
          f"{'met' if med_core < 2 else 'NOT met'}")
    print(f"with conversation state in SQLite:      median {med_full:.3f} ms  ratio {med_full / base:.1f}x")
    med_asked = statistics.median(asked)
    print(f"knowledge questions ({len(questions)}, state in memory): median {med_asked:.3f} ms  p95 "
          f"{statistics.quantiles(asked, n=20)[18]:.3f} ms  target < 2 ms: {'met' if med_asked < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()

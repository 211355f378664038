"""Where one LINE text message's CPU goes: signed webhooks through the Flask test client (no HTTP server, so
the figure is the app's own work), SQLite state, replies to the tests' fake LINE API, cProfile on demand.

    python -m bench.profile_webhook              # CPU per message (median, mean) over the held-out utterances
    python -m bench.profile_webhook --prof 40    # and the 40 biggest cumulative entries of a profiled pass
    PASSES=3 python -m bench.profile_webhook     # the quietest of 3 passes (a shared machine is noisy)
    PROF_SORT=tottime python -m bench.profile_webhook --prof 40   # by own time instead

The profile counts CPU time (time.process_time), not wall time: waiting on the fake API or the disk is
not in it. The fake LINE API is the bench's own (bench/fake_line_api.py) in a process of its own, as under
gunicorn, so its CPU is not in the per-message figure.

Not part of `python -m bench`: a profile is for deciding what to change next, the bench is for the figures.
"""
from __future__ import annotations

import argparse
import cProfile
import contextlib
import json
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
USERS = 50


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--prof", type=int, default=0, metavar="N", help="print the N biggest entries of a profile")
    args.add_argument("--content", default=str(ROOT / "content"))
    args.add_argument("--users", type=int, default=USERS, help=f"distinct users the messages come from "
                      f"(default {USERS}; the bench's webhook part uses 1,000, so most messages are a first)")
    opts = args.parse_args(argv)

    from app import create_app
    from bot.config import Settings
    from bot.services import build_services
    from bot.storage.migrate import upgrade
    from tests.conftest import LINE_SECRET
    from bench.servers import fake_api
    from tests.test_channel_line import body, post_line, text_event

    lines = (ROOT / "tests" / "data" / "utterances_heldout.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    stack = contextlib.ExitStack()
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp}/profile.sqlite3"
    upgrade(url)
    line = stack.enter_context(fake_api())
    settings = Settings(database_url=url, content_dir=Path(opts.content), evidence_dir=tmp / "evidence",
                        line_channel_secret=LINE_SECRET, line_channel_access_token="token",
                        line_api_base_url=line.url, line_data_api_base_url=line.url)
    client = create_app(settings, build_services(settings)).test_client()

    def one(i: int, text: str) -> None:
        event = text_event(text, source={"type": "user", "userId": f"U{i % opts.users:032x}"})
        resp = post_line(client, body(event))
        assert resp.status_code == 200, resp.data

    def timed_pass() -> list[float]:
        cpu = []
        for i, text in enumerate(texts):
            start = time.process_time()
            one(i, text)
            cpu.append((time.process_time() - start) * 1000)
        return cpu

    for i, text in enumerate(texts[:50]):  # warm: model, caches, connections
        one(i, text)
    cpu = min((timed_pass() for _ in range(int(os.environ.get("PASSES", "1")))), key=statistics.median)
    print(f"{len(cpu)} LINE text messages: CPU per message median {statistics.median(cpu):.2f} ms, "
          f"mean {statistics.mean(cpu):.2f} ms")
    if opts.prof:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        timed_pass()
        profile.disable()
        if os.environ.get("PROF_OUT"):
            profile.dump_stats(os.environ["PROF_OUT"])
        pstats.Stats(profile).sort_stats(os.environ.get("PROF_SORT", "cumulative")).print_stats(opts.prof)
    stack.close()  # the fake API's process


if __name__ == "__main__":
    main()

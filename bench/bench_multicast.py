"""An announcement to a segment of 100,000 recorded LINE followers, against the fake LINE server: how many
multicast calls and how many seconds, split into planning (the claim: recipients and retry keys written to
the database) and sending (the real SDK path, lease and attempt bookkeeping included).

Baseline, measured in the same run: the same number of bare HTTP POSTs of the very same request bodies to
the same fake server (one keep-alive `requests` session), reported as a ratio, so the figure says what the
bot adds over the network cost itself, whatever the machine (target, issue 16: within 3x). Peak memory is
the process's resident high-water mark (ru_maxrss) and its rise over planning and sending.

    python -m bench --only multicast           # or: python bench/bench_multicast.py [--followers N]
    python bench/bench_multicast.py --postgres postgresql+psycopg://user:pass@host/postgres
        # on PostgreSQL: a scratch database is created on that server for the run, then dropped
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.broadcasts import service  # noqa: E402
from bot.broadcasts.claim import claim, new_owner  # noqa: E402
from bot.broadcasts.context import broadcast_services  # noqa: E402
from bot.broadcasts.deliver import Delivery  # noqa: E402
from bot.broadcasts.validate import Draft  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.storage import utcnow  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Follower  # noqa: E402
from tests.fakes.platform import fake_line  # noqa: E402

from bench.database import scratch_database  # noqa: E402

MULTICAST = r"/v2/bot/message/multicast$"
RESULTS = ROOT / "bench" / "results"


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb() -> float:
    """This process's resident high-water mark (Linux reports ru_maxrss in KiB). The followers are recorded
    in batches of 10,000 before planning, so the peak is the plan's and the send's, not the set-up's."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def record_followers(services, count: int, segment: str) -> None:
    now = utcnow()
    with services.db.session() as s:
        for start in range(0, count, 10_000):
            s.execute(insert(Follower), [dict(channel="line", user_id=f"U{i:032x}", active=True, segment=segment,
                                              followed_at=now) for i in range(start, min(count, start + 10_000))])


def bare_posts(url: str, token: str, bodies: list[bytes]) -> float:
    http = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    start = time.perf_counter()
    for body in bodies:
        http.post(url, data=body, headers=headers, timeout=30).raise_for_status()
    return time.perf_counter() - start


def run(followers: int, postgres_url: str | None) -> dict:
    with scratch_database(postgres_url) as url:
        upgrade(url)
        fake = fake_line()
        # The fake writes headers and body separately; without TCP_NODELAY each answer waits ~40 ms for a
        # delayed ACK (Nagle), which would time the loopback stack rather than either side.
        fake.server.RequestHandlerClass.disable_nagle_algorithm = True
        settings = Settings(database_url=url, line_channel_secret="bench-secret",
                            line_channel_access_token="bench-token", line_api_base_url=fake.url)
        services = broadcast_services(settings)
        try:
            started = time.perf_counter()
            record_followers(services, followers, "bench")
            recorded = time.perf_counter() - started
            now = utcnow()
            b = service.create(services, Draft(text="ประกาศทดสอบความเร็ว", title="ทดสอบ", channels=["line"],
                                               segment="bench", run_at=now + timedelta(minutes=1)), now=now)
            owner = new_owner()
            rss_before = current_rss_mb()
            start = time.perf_counter()
            run_id = claim(services, b.id, b.revision, now, now, owner, manual=True)
            planned = time.perf_counter()
            status = Delivery(services, run_id, owner).run()
            sent = time.perf_counter()
            peak = peak_rss_mb()
            calls = fake.calls("POST", MULTICAST)
            assert status == "sent", status
            assert len(calls) == math.ceil(followers / 500), len(calls)
            assert sum(len(c.json["to"]) for c in calls) == followers
            assert len({c.headers["x-line-retry-key"] for c in calls}) == len(calls)
            baseline = bare_posts(f"{fake.url}/v2/bot/message/multicast", "bench-token", [c.body for c in calls])
        finally:
            services.db.dispose()
            fake.close()
    total = sent - start
    return {
        "followers": followers, "calls": len(calls), "database": url.split(":", 1)[0],
        "recording_followers_seconds": round(recorded, 3),
        "plan_seconds": round(planned - start, 3), "send_seconds": round(sent - planned, 3),
        "total_seconds": round(total, 3), "baseline_bare_posts_seconds": round(baseline, 3),
        "ratio_total_to_baseline": round(total / baseline, 2),
        "ratio_send_to_baseline": round((sent - planned) / baseline, 2),
        "rss_before_plan_mb": rss_before, "peak_rss_mb": peak, "peak_rss_increase_mb": round(peak - rss_before, 1),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="bench_multicast")
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="run on a scratch database on this PostgreSQL server "
                                                          "(default: a temporary SQLite file)")
    args = parser.parse_args(argv or [])
    result = run(args.followers, args.postgres)
    print(f"multicast to {result['followers']:,} followers: {result['calls']} calls in "
          f"{result['total_seconds']:.2f} s (plan {result['plan_seconds']:.2f} s, send {result['send_seconds']:.2f} s) "
          f"on {result['database']}; {result['calls']} bare POSTs: {result['baseline_bare_posts_seconds']:.2f} s; "
          f"ratio {result['ratio_total_to_baseline']:.2f}x (sending alone {result['ratio_send_to_baseline']:.2f}x); "
          f"peak RSS {result['peak_rss_mb']:.0f} MB ({result['peak_rss_increase_mb']:+.0f} MB over the plan and send)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_multicast.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

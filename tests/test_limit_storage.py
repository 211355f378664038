"""The flood limits' in-memory counters: MemoryStorage's counting, one sweeper thread instead of one per hit."""
import threading
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from bot.channels.limit_storage import SweptMemoryStorage, storage_uri


def test_memory_url_selects_the_swept_storage_and_shared_stores_are_kept():
    assert isinstance(storage_from_string(storage_uri("memory://")), SweptMemoryStorage)
    assert storage_uri("redis://localhost:6379/0") == "redis://localhost:6379/0"


def test_it_limits_like_memory_storage_without_a_thread_per_hit(monkeypatch):
    ours, theirs = (FixedWindowRateLimiter(storage_from_string(u)) for u in ("bot-memory://", "memory://"))
    limit = parse("5 per minute")
    ours.hit(limit, "warm")  # starts the sweeper
    started = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self.name), start(self))[1])
    answers = []
    for _ in range(50):
        answers.append(ours.hit(limit, "a"))
        time.sleep(0.012)  # longer than MemoryStorage's 10 ms timer, after which it starts another thread
    assert started == []  # memory:// would start one for nearly every hit
    assert answers == [theirs.hit(limit, "a") for _ in range(50)] == [True] * 5 + [False] * 45


def test_expired_counters_are_swept_from_memory():
    storage = SweptMemoryStorage()
    storage.incr("gone", 0.05)
    storage.incr("kept", 60)
    deadline = time.time() + 5
    while "gone" in storage.storage and time.time() < deadline:
        time.sleep(0.1)
    assert "gone" not in storage.storage and storage.storage["kept"] == 1

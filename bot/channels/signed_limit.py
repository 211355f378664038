"""The one flood limit for webhooks LINE signed (RATE_LIMIT_LINE_SIGNED), counted straight with `limits`.

Flask-Limiter works out every request's limits afresh (filters, exemption scopes, key functions, limit
strings parsed again, headers): about 0.5 ms of CPU, a sixth of a whole LINE message. A signed webhook has
exactly one limit, so Flask-Limiter is told to skip it (protect.py) and it is counted here: one `hit`
on the same store, in the same fixed window. While a shared store is unreachable this process counts in
its own memory instead of failing the webhook, and tries the store again a little later.
"""
from __future__ import annotations

import logging
import math
import time

from limits import parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from .limit_storage import SweptMemoryStorage

log = logging.getLogger(__name__)
KEY = ("bot", "line-signed")
RETRY_STORE_AFTER = 10.0  # seconds in memory before the shared store is tried again


class SignedLineLimit:
    def __init__(self, limit: str, storage: Storage):
        self.item = parse(limit)
        self.shared = FixedWindowRateLimiter(storage)
        self.memory = FixedWindowRateLimiter(SweptMemoryStorage())
        self.store_down_until = 0.0

    def hit(self) -> float | None:
        """None when the request is within the limit; else the seconds until the window resets."""
        counter = self._counter()
        try:
            if counter.hit(self.item, *KEY):
                return None
            reset = counter.get_window_stats(self.item, *KEY).reset_time
        except Exception as exc:  # a shared store down: count here until it is back
            if counter is self.memory:
                raise
            log.warning("rate-limit store unreachable (%s): counting signed LINE webhooks in memory",
                        type(exc).__name__)
            self.store_down_until = time.monotonic() + RETRY_STORE_AFTER
            return self.hit()
        return max(1.0, math.ceil(reset - time.time()))

    def _counter(self) -> FixedWindowRateLimiter:
        return self.memory if time.monotonic() < self.store_down_until else self.shared

"""The one retry policy: wait `base`, 2×, 4×, ... at most `most` seconds after each failed try, unless the
platform said how long (Retry-After wins). The outbox, its worker's failed passes and broadcasts' batches
all wait by it, so a change to how the bot backs off is made once."""
from __future__ import annotations

from dataclasses import dataclass

# 2**60 times any base is far past any cap; the bound keeps a row that failed for months from overflowing.
MAX_DOUBLINGS = 60


@dataclass(frozen=True)
class Backoff:
    base: float
    most: float

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed try number `attempt` (1, 2, ...)."""
        if retry_after is not None:
            return max(0.0, retry_after)
        return min(self.base * 2 ** min(max(attempt - 1, 0), MAX_DOUBLINGS), self.most)

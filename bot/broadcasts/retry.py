"""How often and how long to wait when a platform answers 429 or 5xx: exponential backoff, or the
platform's own Retry-After, within a bounded number of attempts."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from bot.core.backoff import Backoff


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    @classmethod
    def from_settings(cls, settings, **overrides) -> "RetryPolicy":
        return cls(max_attempts=max(1, settings.broadcast_max_attempts), **overrides)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1, 2, ...)."""
        return Backoff(self.base_delay, self.max_delay).delay(attempt, retry_after)

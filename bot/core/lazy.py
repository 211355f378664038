"""What a feature builds on first use and keeps on an object (the process's services), built by one thread."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_BUILDING = threading.RLock()  # re-entrant: one feature's build may ask for another's


def built_once(owner: object, field: str, build: Callable[[], T]) -> T:
    """`owner.<field>`, built by `build` while it is None. The threads of a busy worker that ask at once
    wait for one build instead of each making a copy: a worker's first requests, each building the
    knowledge index (~10 MB) at once, left ~25 MB more in its memory for good than one build did."""
    value = getattr(owner, field)
    if value is None:
        with _BUILDING:
            value = getattr(owner, field)
            if value is None:
                value = build()
                setattr(owner, field, value)
    return value

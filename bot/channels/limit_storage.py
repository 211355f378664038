"""Flood-limit counters in process memory, without a new thread per counted request.

`limits`' MemoryStorage forgets expired counters from a `threading.Timer` of 10 ms that it starts again
on the next increment once the last one has run: under steady traffic that is a thread started for nearly
every request (~1 ms of CPU each, the larger part of the limiter's cost on a LINE webhook). Reading a
counter already drops it when expired, so the sweep only frees memory; here one daemon thread per storage
and process sweeps once a second. Counting is MemoryStorage's own, unchanged. `memory://` in
RATE_LIMIT_STORAGE_URL selects it (protect.py); shared stores (redis://) are untouched.
It replaces two private hooks of `limits` 5.8 (`__schedule_expiry`, `__expire_events`): after an upgrade,
tests/test_limit_storage.py says whether they are still there.
"""
from __future__ import annotations

import os
import threading
import weakref

from limits.storage import MemoryStorage

SWEEP_EVERY = 1.0  # seconds; only memory is at stake (expired counters are dropped when read)
SCHEME = "bot-memory"


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # MemoryStorage's first 10 ms timer
        self._sweeper: threading.Thread | None = None
        self._sweeper_pid = 0

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - replaces MemoryStorage's private hook
        """Called by MemoryStorage on every increment: make sure this process has its sweeper (a fork,
        as gunicorn's --preload does, leaves the child without the parent's thread)."""
        if self._sweeper_pid != os.getpid() or self._sweeper is None or not self._sweeper.is_alive():
            self._sweeper_pid = os.getpid()
            self._sweeper = threading.Thread(target=_sweep, args=(weakref.ref(self),), daemon=True,
                                             name="rate-limit-sweeper")
            self._sweeper.start()


def _sweep(ref: weakref.ref) -> None:
    """Until the storage is gone (an app torn down in tests), drop its expired counters every second."""
    stop = threading.Event()
    while not stop.wait(SWEEP_EVERY):
        storage = ref()
        if storage is None:
            return
        storage._MemoryStorage__expire_events()
        del storage


def in_memory(configured: str) -> bool:
    """Whether RATE_LIMIT_STORAGE_URL keeps the counters in each process (not shared by instances)."""
    return configured.startswith("memory://")


def storage_uri(configured: str) -> str:
    """The URI Flask-Limiter is given: this storage for process memory, anything else as configured."""
    return f"{SCHEME}://" if in_memory(configured) else configured

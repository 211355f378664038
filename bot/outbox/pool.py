"""The sending pool: a webhook's answer goes out from here, after the webhook has answered the platform.

A web worker's thread commits the turn (the answer stored in the outbox, leased to its writer) and returns
200 at once; a few threads of the same process then give the answer to the platform (LINE's reply token
first, then push) and mark it sent in the same thread. So a platform 50 ms away, or hanging, never holds a
web worker, and an answer the pool could not deliver is still in the outbox, pushed by the worker.

One pool per process, made on first use (a pool made before gunicorn forks does not survive the fork).
Its threads are not daemons: a worker that is stopped gracefully finishes what it was given.
"""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


class SendingPool:
    def __init__(self, threads: int):
        self.threads = max(1, threads)
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="send")
        self._pid = os.getpid()
        self._waiting = 0
        self._idle = threading.Condition()

    def submit(self, job: Callable[[], None]) -> None:
        with self._idle:
            self._waiting += 1
        try:
            self._executor.submit(self._run, job)
        except RuntimeError:  # the process is shutting down: the outbox worker sends it later
            self._done()
            raise

    def _run(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:  # a job leaves what it could not send to the outbox itself; never lose the thread
            log.exception("sending job failed")
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._waiting -= 1
            if self._waiting == 0:
                self._idle.notify_all()

    @property
    def waiting(self) -> int:
        """Jobs given and not yet finished."""
        return self._waiting

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every job given so far has finished (tests; a graceful stop)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._waiting == 0, timeout)

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)


_MAKING = threading.Lock()


def of(services: Services) -> SendingPool:
    """This process's pool for these services (made on first use, again in a forked child)."""
    pool = services.sending_pool
    if pool is None or pool._pid != os.getpid():
        with _MAKING:
            pool = services.sending_pool
            if pool is None or pool._pid != os.getpid():
                pool = services.sending_pool = SendingPool(services.settings.send_threads)
    return pool

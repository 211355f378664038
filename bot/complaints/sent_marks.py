"""Answers a webhook delivered are marked sent a moment later, many in one transaction.

The mark follows nearly every chat answer, and a transaction of its own for each cost about a third of a
message's storage work. Here marks wait in the process at most FLUSH_AFTER seconds, then go in one
transaction (`Database.redoable_engine`, like the mark they replace). Meanwhile the row stays leased to its
writer (answers.ANSWER_GRACE: minutes), so no sender takes it. A mark is lost only if the process dies in
that moment: the answer is then pushed once more when its lease ends (never lost; at worst twice, as when
a power cut undoes a redoable commit). Pending marks are written before this process's outbox pass, when
the database is disposed of and when the process exits.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from datetime import datetime

from bot.storage import Database

from .outbox import MARK_SENT

log = logging.getLogger(__name__)

FLUSH_AFTER = 0.2  # seconds a mark may wait
MAX_WAITING = 10_000  # marks kept while the database is down; beyond, the oldest answers may go twice

_ALL: weakref.WeakSet[SentMarks] = weakref.WeakSet()


class SentMarks:
    def __init__(self, db: Database):
        self.db = db
        self._lock = threading.Lock()
        self._waiting: list[tuple[int, datetime]] = []
        self._armed_in: int | None = None  # the process whose timer is pending (a timer does not survive fork)
        db.on_dispose.append(self.flush)
        _ALL.add(self)

    def add(self, row_id: int, sent_at: datetime) -> None:
        with self._lock:
            self._waiting.append((row_id, sent_at))
            del self._waiting[:-MAX_WAITING]
            if self._armed_in != os.getpid():
                timer = threading.Timer(FLUSH_AFTER, self._due)
                timer.daemon = True
                self._armed_in = os.getpid()
                timer.start()

    def _due(self) -> None:
        """Refused marks wait for the next delivered answer's timer (or the outbox pass, disposal, exit):
        no thread of its own retries a database that is down."""
        with self._lock:
            self._armed_in = None
        self.flush()

    def flush(self, quiet: bool = False) -> bool:
        """Write the waiting marks now; False (and kept for a later try) when the database refused them."""
        with self._lock:
            marks, self._waiting = self._waiting, []
        if not marks:
            return True
        try:
            with self.db.redoable_engine.begin() as conn:
                MARK_SENT.execute_many(conn, [{"b_id": row_id, "b_now": sent_at} for row_id, sent_at in marks])
        except Exception as error:
            if not quiet:
                log.warning("answers not yet marked sent: %d (%s); tried again with the next ones", len(marks),
                            type(error).__name__)
            with self._lock:
                self._waiting[:0] = marks
                del self._waiting[:-MAX_WAITING]
            return False
        return True


_MAKING = threading.Lock()


def of(services) -> SentMarks:
    """The services' marks (made on first use)."""
    if services.sent_marks is None:
        with _MAKING:
            if services.sent_marks is None:
                services.sent_marks = SentMarks(services.db)
    return services.sent_marks


def flush_pending(services) -> None:
    """Before this process sends what is due: an answer whose mark is still waiting is not due again."""
    if services.sent_marks is not None:
        services.sent_marks.flush()


@atexit.register
def _flush_all_at_exit() -> None:
    for marks in list(_ALL):  # what fails now is pushed again by the outbox when its lease ends
        marks.flush(quiet=True)

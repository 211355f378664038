"""One process runs the whole product: the web app, the outbox worker and the announcement clock as its
threads. That is how `make run` serves on SQLite, which serves one process (with PostgreSQL the Procfile's
`worker` and `clock` are processes of their own).

Started by gunicorn.conf.py in its only worker, once the app is loaded. The worker's threads are daemons:
what they leave undone is in the database, and the next start carries on.
"""
from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)


def wanted(database_url: str) -> bool:
    """IN_PROCESS_JOBS=1 or 0 decides; unset, the jobs run in the web process exactly when it is SQLite's."""
    chosen = os.environ.get("IN_PROCESS_JOBS", "").strip()
    return chosen == "1" if chosen else database_url.startswith("sqlite")


def start(services) -> None:
    from bot.broadcasts.clock import serve
    from bot.outbox.worker import Worker

    threading.Thread(target=Worker(services).run, name="outbox-worker", daemon=True).start()
    threading.Thread(target=serve, args=(services,), kwargs={"handle_signals": False}, name="clock",
                     daemon=True).start()
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every sync run at INFO
    log.info("outbox worker and announcement clock running in this process")

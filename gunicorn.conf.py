"""How the web app is served, for the Procfile (`gunicorn app:app`) and `make run` alike. Gunicorn reads this
file from the working directory by itself.

- Threads, not processes, wait on the network: `gthread` workers (WEB_CONCURRENCY processes, default 2 for
  a 2-core machine, each WEB_THREADS threads, default 16). A webhook's answer goes out from the app's
  sending pool after the 200, so no thread waits on LINE either.
- Bound to HOST:PORT (0.0.0.0:5000 by default).
- SQLite serves one process: more than one worker on a SQLite database stops the master with a clear
  message (use PostgreSQL). With SQLite the only worker also runs the outbox worker and the announcement
  clock as threads (bot/in_process.py; IN_PROCESS_JOBS=1 or 0 overrides).

- Broken content stops the master before any worker starts, with the same message as the other
  processes, instead of workers failing and respawning forever.
- Logging: gunicorn's own lines, its access lines and the app's go out in one format, chosen by
  LOG_FORMAT (`json` in the Procfile, plain for `make run`), each request's lines with its request id.
  Access lines name the method, path (never the query string), status, size and time: no address,
  referrer or browser, in either format.
"""
import os
import sys

from gunicorn.glogging import Logger


class BotLogger(Logger):
    """gunicorn's logger with this project's format, request ids and redaction (bot/logs.py)."""

    def setup(self, cfg):
        super().setup(cfg)
        from bot import logs

        # `--env LOG_FORMAT=json` is applied to os.environ only after the logger is set up
        self.log_format = logs.chosen_format((cfg.env or {}).get("LOG_FORMAT") or os.environ.get("LOG_FORMAT"))
        logs.configure(self.log_format)  # the app's own loggers, inherited by the forked workers
        for handler in self.error_log.handlers + self.access_log.handlers:
            handler.addFilter(logs.ContextFilter())
            handler.setFormatter(logs.JsonFormatter() if self.log_format == "json"
                                 else logs.Redacting(handler.formatter))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        rid = next((v for k, v in resp.headers if k.lower() == "x-request-id"), "-")
        if self.log_format != "json":
            atoms = self.atoms_wrapper_class({**self.atoms(resp, req, environ, request_time), "rid": rid})
            self.access_log.info(f"{self.cfg.access_log_format} [%(rid)s]", atoms, extra={"request_id": rid})
            return
        status = str(resp.status).split(None, 1)[0]
        fields = {"method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"),
                  "protocol": environ.get("SERVER_PROTOCOL"), "status": int(status) if status.isdigit() else status,
                  "bytes": getattr(resp, "sent", None),
                  "duration_ms": round(request_time.total_seconds() * 1000, 3)}
        self.access_log.info("%s %s %s", fields["method"], fields["path"], status,
                             extra={"request_id": rid, "fields": fields})


logger_class = BotLogger

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "16"))
timeout = 60
graceful_timeout = 30  # a stopping worker finishes the answers its sending pool holds
accesslog = "-"
# method, path (never the query string), protocol, status, size, duration: nothing personal
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


def on_starting(server):
    from bot.config import ConfigError, from_env
    from bot.content import ContentError
    from bot.content.check import refuse_inconsistent
    from bot.storage import SQLiteShared, refuse_shared_sqlite

    try:
        settings = from_env()
    except ConfigError as exc:  # a placeholder SECRET_KEY, say: the message, not a traceback
        print(f"configuration error: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    try:  # loads and validates the content, then intents without a handler, categories that disagree
        refuse_inconsistent(settings.content_dir)
    except ContentError as exc:
        print(f"content error:\n{exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    try:
        refuse_shared_sqlite(settings.database_url, server.cfg.workers)
    except SQLiteShared as exc:
        print(f"{exc} (this server would start {server.cfg.workers} workers; WEB_CONCURRENCY=1 for one)",
              file=sys.stderr, flush=True)
        sys.exit(2)
    if server.cfg.workers > 1 and settings.rate_limit_storage_url.startswith("memory://"):
        server.log.warning("flood limits count apart in each of the %s workers (RATE_LIMIT_STORAGE_URL is "
                           "memory://): set redis://host:6379/0 so that they count together", server.cfg.workers)


def post_worker_init(worker):
    from bot import in_process

    services = worker.wsgi.extensions["services"]
    if in_process.wanted(services.settings.database_url):
        in_process.start(services)

"""Gunicorn reads this file from the working directory by itself, so the Procfile's and `make run`'s
flags stay as they are.

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


def on_starting(server):
    from bot.config import from_env
    from bot.content import ContentError
    from bot.content.check import refuse_inconsistent

    try:  # loads and validates the content, then intents without a handler, categories that disagree
        refuse_inconsistent(from_env().content_dir)
    except ContentError as exc:
        print(f"content error:\n{exc}", file=sys.stderr, flush=True)
        sys.exit(2)

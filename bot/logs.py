"""How every process logs: one JSON object a line in production (`LOG_FORMAT=json`, the Procfile's), plain
text for `make run` (the default), and the same for gunicorn's own and access lines.

Each line of a web request carries its request id (the caller's `X-Request-Id` when it is sane, else a new
one, returned in the response header), so one message can be followed through web, outbox and platform
lines. A redacting filter is the safety net behind the code's own care: configured secrets, LINE and
Messenger ids, phone numbers, e-mail addresses and URL credentials are masked in every line, and what
other libraries log at DEBUG keeps its wording but loses any argument that is not a short scalar (a
response body, a row, an object), since a body may hold a complaint. Logging is set up by the process entry points (`gunicorn.conf.py`,
`python -m bot`), never by the app factory, so tests and embedding code keep their own.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import re
import sys
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import IO, Iterable

FORMATS = ("plain", "json")
OWN_LOGGERS = ("bot", "app", "scoring", "gunicorn")  # whose lines are written by this project's code
# At DEBUG, Pillow's plugins log every EXIF tag they read or write (GPS position, camera, owner's name) of
# the evidence photos being cleaned: held at WARNING whatever LOG_LEVEL says.
QUIET_LOGGERS = ("PIL",)
LIMITER_LOGGER = "flask-limiter"
PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"

request_id: ContextVar[str] = ContextVar("request_id", default="")
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")  # a proxy's id, not a place for data
REQUEST_ID_HEADER = "X-Request-Id"

# Order matters: credentials and long ids before the shorter number patterns.
PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 [secret]"),
    (re.compile(r"(://[^/\s:@]+:)[^@\s/]+@"), r"\1[secret]@"),
    (re.compile(r"\b[UCR][0-9a-f]{32}\b"), "[line-id]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Numbers are matched between anything but ASCII letters, digits and dots, so "โทร0812345678" is
    # masked while a version or a hex id is not.
    (re.compile(r"(?<![A-Za-z0-9.+])(?:\+?66[\s-]?|0)\d(?:[\s-]?\d){7,8}(?![A-Za-z0-9.])"), "[phone]"),
    (re.compile(r"(?<![A-Za-z0-9.])[๐-๙](?:[\s-]?[๐-๙]){8,9}(?![A-Za-z0-9.])"), "[phone]"),  # Thai digits
    (re.compile(r"(?<![A-Za-z0-9.])\d{13,20}(?![A-Za-z0-9])"), "[id]"),  # Messenger PSIDs, and ids as long
]
_secrets: tuple[str, ...] = ()  # longest first, so a secret holding another is masked whole


def keep_secret(*values: str) -> None:
    """Values never to be written as they are (tokens, keys); short ones would mask ordinary words."""
    global _secrets
    kept = set(_secrets) | {v for v in values if v and len(v) >= 6}
    _secrets = tuple(sorted(kept, key=len, reverse=True))


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "[secret]")
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def new_request_id() -> str:
    """24 characters of base32 (a-z, 2-7): no 0, 1 or long digit run, so no redaction pattern ever
    matches inside one and a whole formatted line can be redacted safely."""
    return base64.b32encode(os.urandom(15)).decode().lower()


def accepted_request_id(header: str | None) -> str:
    """The caller's id when it is a plain token (a proxy's or LINE's), else a fresh one."""
    if header and SANE_REQUEST_ID.fullmatch(header) and redact(header) == header:
        return header
    return new_request_id()


class RequestIds:
    """WSGI middleware: the request id is set before Flask sees the request (so its 413s and errors
    carry it too), returned in the response header, and forgotten afterwards."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        rid = accepted_request_id(environ.get("HTTP_X_REQUEST_ID"))
        token = request_id.set(rid)

        def with_id(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != REQUEST_ID_HEADER.lower()]
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, with_id)
        finally:
            request_id.reset(token)


def _all_small(args) -> bool:
    """Hosts, ports, paths and counts pass; bodies, rows, collections and objects (whose repr may hold
    anything) do not."""
    values = args.values() if isinstance(args, dict) else args if isinstance(args, tuple) else (args,)
    return all(v is None or isinstance(v, (bool, int, float)) or (isinstance(v, str) and len(v) <= 120)
               for v in values)


class ContextFilter(logging.Filter):
    """Adds the request id (on a handler, so it sees every record; the record is otherwise untouched,
    as other handlers, a test's capture for one, see it too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get() or "-"
        return True


def safe_message(record: logging.LogRecord) -> str:
    """The record's message as it may be written: redacted, and another library's DEBUG arguments
    withheld unless they are short scalars."""
    msg, args = record.msg, record.args
    own = record.name.split(".", 1)[0] in OWN_LOGGERS
    if not own and record.levelno <= logging.DEBUG and args and not _all_small(args):
        return redact(f"{msg} (arguments withheld)")
    try:
        message = record.getMessage()
    except Exception:  # a bad format string must not lose the line
        message = f"{msg} {args!r}"
    return redact(message)


def safe_copy(record: logging.LogRecord) -> logging.LogRecord:
    copy = logging.makeLogRecord(record.__dict__)
    copy.msg, copy.args = safe_message(record), None
    if not getattr(copy, "request_id", None):
        copy.request_id = request_id.get() or "-"
    return copy


class Redacting(logging.Formatter):
    """Wraps a plain formatter (ours, or gunicorn's own): the message made safe, then the whole line,
    traceback included, redacted."""

    def __init__(self, inner: logging.Formatter | None = None):
        super().__init__()
        self.inner = inner or logging.Formatter(PLAIN)

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(safe_copy(record)))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts, level, logger, request_id, msg, and any `fields` given as extra."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name,
                "request_id": getattr(record, "request_id", None) or request_id.get() or "-",
                "msg": safe_message(record)}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({k: redact(v) if isinstance(v, str) else v for k, v in fields.items() if k not in line})
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class NoClientAddress(logging.Filter):
    """Flask-Limiter names the limit's key, the client's address, on every 429 ("ratelimit %s (%s) exceeded
    at endpoint: %s"); no line may say who was limited, so the key is masked (the limit and endpoint stay)."""

    EXCEEDED = "exceeded at endpoint"

    def filter(self, record: logging.LogRecord) -> bool:
        if self.EXCEEDED in str(record.msg) and isinstance(record.args, tuple) and len(record.args) == 3:
            limit, _key, scope = record.args
            record.args = (limit, "[client]", scope)
        elif record.args:  # another line of the limiter's: its wording, without arguments that could be a key
            record.msg, record.args = f"{record.msg} (arguments withheld)", None
        return True


def quiet_libraries() -> None:
    """Libraries that would log what a reporter sent, or who sent it (see QUIET_LOGGERS, NoClientAddress)."""
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
    limiter = logging.getLogger(LIMITER_LOGGER)
    if not any(isinstance(f, NoClientAddress) for f in limiter.filters):
        limiter.addFilter(NoClientAddress())


def chosen_format(value: str | None = None) -> str:
    fmt = (value if value is not None else os.environ.get("LOG_FORMAT", "")).strip().lower() or "plain"
    if fmt not in FORMATS:
        raise ValueError(f"environment variable LOG_FORMAT must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return fmt


def formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else Redacting(logging.Formatter(PLAIN))


def handler(stream: IO[str] | None = None, fmt: str = "plain") -> logging.Handler:
    """A handler writing this project's lines (format, request id, redaction) to `stream`."""
    h = logging.StreamHandler(stream or sys.stderr)
    h.setFormatter(formatter(fmt))
    h.addFilter(ContextFilter())
    h._bot_logs = True  # type: ignore[attr-defined]
    return h


def secrets_from_env(environ=os.environ) -> Iterable[str]:
    from bot.config import SECRETS

    return [environ.get(name, "") for name in SECRETS.values()]


def configure(fmt: str | None = None, level: int | str | None = None, stream: IO[str] | None = None) -> None:
    """Set up the root logger for a process (replacing what an earlier call installed)."""
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "_bot_logs", False)]:
        root.removeHandler(h)
    root.addHandler(handler(stream, chosen_format(fmt)))
    root.setLevel(level if level is not None else (os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"))
    keep_secret(*secrets_from_env())
    quiet_libraries()


def configured() -> bool:
    return any(getattr(h, "_bot_logs", False) for h in logging.getLogger().handlers)

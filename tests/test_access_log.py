"""The access log of the served app (gunicorn, as `make run` and the Procfile start it) names no query
string, referrer or address: a visitor's id or a tracking code in a URL must not end up in a log."""
from __future__ import annotations

import runpy
import shlex
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent


def gunicorn_args(line: str) -> list[str]:
    words = shlex.split(line[line.index("gunicorn"):])
    return words[1:]


def command_lines() -> dict[str, str]:
    make = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "bin/gunicorn" in line)
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    return {"Makefile": make, "Procfile": web}


def served_config() -> Config:
    """gunicorn's settings from gunicorn.conf.py, which gunicorn reads from the working directory."""
    cfg = Config()
    for key, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if key in cfg.settings and key != "logger_class":
            cfg.set(key, value)
    return cfg


@pytest.mark.parametrize("where", ["Makefile", "Procfile"])
def test_access_log_line_carries_no_query_string(where, capsys):
    cfg = served_config()
    args = cfg.parser().parse_args(gunicorn_args(command_lines()[where]))
    for key, value in vars(args).items():
        if key in cfg.settings and value is not None:
            cfg.set(key.lower(), value)
    assert cfg.accesslog == "-"
    logger = Logger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/chat/inbox?user_id=web-secret-visitor",
               "PATH_INFO": "/api/chat/inbox", "QUERY_STRING": "user_id=web-secret-visitor",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.7",
               "HTTP_REFERER": "https://office.example/page?code=CR-7K3M-Q9TD", "HTTP_USER_AGENT": "Phone"}
    resp = SimpleNamespace(status="200 OK", sent=12, headers=[])
    logger.access(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    line = capsys.readouterr().out
    assert '"GET /api/chat/inbox HTTP/1.1" 200' in line
    assert "web-secret-visitor" not in line and "CR-7K3M" not in line and "203.0.113.7" not in line

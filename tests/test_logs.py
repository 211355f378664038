"""What the logs say (bot/logs.py): one JSON object a line with the request id, and nothing personal or
secret in any line, even at DEBUG, even from libraries that dump response bodies."""
from __future__ import annotations

import io
import json
import logging
import re
import runpy
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot import logs
from tests.complaint_helpers import LineUser, code_in, wait_idle, without_web_floodgate
from tests.conftest import LINE_SECRET

ROOT = Path(__file__).resolve().parent.parent
REPORTER = "U" + "4f" * 16  # a real-shaped LINE user id
PHONE, PHONE_THAI = "0812345678", "๐๘๑-๒๓๔-๕๖๗๘"
DETAILS = "ครูใหญ่เรียกเก็บเงินบำรุงเกินประกาศห้องเรียนพิเศษ"
NAME = "สมหญิง ใจงาม"


@pytest.fixture
def captured(caplog):
    """Every record of every logger at DEBUG, as the production JSON handler writes it; lines of the
    request threads and of the background delivery threads apart."""
    stream, background = io.StringIO(), io.StringIO()
    main = threading.get_ident()
    on_main, off_main = logs.handler(stream, "json"), logs.handler(background, "json")
    on_main.addFilter(lambda r: r.thread == main)
    off_main.addFilter(lambda r: r.thread != main)
    root = logging.getLogger()
    root.addHandler(on_main), root.addHandler(off_main)
    caplog.set_level(logging.DEBUG)
    for held in ("sqlalchemy", "urllib3", "linebot", "bot"):  # held at WARNING by themselves, "bot" by a CLI
        caplog.set_level(logging.DEBUG, logger=held)
    yield SimpleNamespace(lines=lambda: stream.getvalue().splitlines(),
                          background=lambda: background.getvalue().splitlines())
    root.removeHandler(on_main), root.removeHandler(off_main)


def test_a_line_complaint_and_a_web_chat_leave_nothing_personal_in_the_logs(app, client, services, line_api,
                                                                              settings, captured):
    without_web_floodgate(services)
    ids: set[str] = set()
    original = client.post

    def post(*args, **kwargs):
        resp = original(*args, **kwargs)
        ids.add(resp.headers["X-Request-Id"])
        return resp

    client.post = post
    person = LineUser(client, line_api, REPORTER, LINE_SECRET)
    for text in ("ร้องเรียน", "สถานศึกษา", DETAILS, "เสร็จแล้ว", "ข้าม", "ระบุชื่อและเบอร์โทร", "ยินยอม", NAME):
        person.says(text)
    assert PHONE in person.says(PHONE_THAI)  # the summary shows it back to its owner, and only there
    code = code_in(person.says("ยืนยัน"))
    assert code
    web = client.post("/api/chat", json={"text": f"สอบถามครับ เบอร์ผม {PHONE} {DETAILS}"})
    assert web.status_code == 200
    wait_idle(services)

    lines = captured.lines()
    assert len(lines) > 20  # DEBUG from SQLAlchemy, urllib3 and the bot
    # what a library says in short stays; the reply is the sending pool's, after the webhook returned
    assert any("/v2/bot/message/reply" in line for line in captured.background())
    for line in lines:
        entry = json.loads(line)
        assert entry["request_id"] in ids, entry
        assert set(entry) >= {"ts", "level", "logger", "msg"}
    everything = "\n".join(lines + captured.background())
    for secret in (REPORTER, PHONE, PHONE_THAI, DETAILS, NAME, LINE_SECRET, settings.line_channel_access_token,
                   settings.secret_key):
        assert secret not in everything
    assert not re.search(r"U[0-9a-f]{32}", everything)


def test_a_sane_caller_request_id_is_kept_and_returned_and_anything_else_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a9c1e-0042"})
    assert kept.headers["X-Request-Id"] == "lb-7f3a9c1e-0042"
    for bad in ("short", "has space in it", "x" * 200, "U" + "ab" * 16, "<script>alert(1)</script>"):
        resp = client.get("/healthz", headers={"X-Request-Id": bad})
        assert resp.headers["X-Request-Id"] != bad and re.fullmatch(r"[a-z2-7]{24}", resp.headers["X-Request-Id"])
    a, b = client.get("/healthz").headers["X-Request-Id"], client.get("/healthz").headers["X-Request-Id"]
    assert a != b


def test_the_redactor_masks_ids_phones_credentials_and_keeps_ordinary_figures():
    logs.keep_secret("a-configured-token-value")
    said = logs.redact(f"to {REPORTER} and 1234567890123456, โทร{PHONE} or +66 81 234 5678, a@b.example, "
                       "postgresql://bot:pw@db/x, Bearer abcdefghijk, token a-configured-token-value")
    for gone in (REPORTER, "1234567890123456", PHONE, "81 234 5678", "a@b.example", ":pw@", "abcdefghijk",
                 "a-configured-token-value"):
        assert gone not in said
    kept = "ITA 93.23 in 2564, 12 rows in 0.0051 s, Flask 3.1.3, 2026-12-02 04:49:21, outbox 17"
    assert logs.redact(kept) == kept


def test_other_libraries_debug_arguments_are_withheld_and_the_bots_own_are_kept():
    stream = io.StringIO()
    h = logs.handler(stream, "plain")
    body = "คำร้องของใครบางคน".encode()
    for name, level, arg in (("linebot.v3.messaging.rest", logging.DEBUG, body),
                             ("urllib3.connectionpool", logging.DEBUG, "/v2/bot/message/reply"),
                             ("bot.channels", logging.DEBUG, body), ("urllib3.connectionpool", logging.WARNING, body)):
        record = logging.LogRecord(name, level, __file__, 1, "body: %s", (arg,), None)
        h.handle(record)
        assert record.args == (arg,)  # other handlers (a test's capture) still see the record as logged
    first, second, third, fourth = stream.getvalue().splitlines()
    assert str(body) not in first and "withheld" in first
    assert "/v2/bot/message/reply" in second
    assert str(body) in third and str(body) in fourth


def test_log_format_is_plain_by_default_and_refuses_a_typo(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert logs.chosen_format() == "plain"
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert logs.chosen_format() == "json"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logs.chosen_format("xml")


def gunicorn_logger(log_format: str):
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s')
    cfg.set("raw_env", [f"LOG_FORMAT={log_format}"])
    logger_class = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["logger_class"]
    return logger_class(cfg)


ENVIRON = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/chat/inbox?user_id=web-secret-visitor",
           "PATH_INFO": "/api/chat/inbox", "QUERY_STRING": "user_id=web-secret-visitor",
           "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.7",
           "HTTP_REFERER": "https://office.example/page?code=CR-7K3M-Q9TD", "HTTP_USER_AGENT": "Phone"}


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_gunicorn_access_lines_carry_the_request_id_and_no_query_or_address(log_format, capsys):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        logger = gunicorn_logger(log_format)
        rid = uuid.uuid4().hex
        resp = SimpleNamespace(status="200 OK", sent=12, headers=[("X-Request-Id", rid)])
        logger.access(resp, SimpleNamespace(headers=[]), ENVIRON, timedelta(milliseconds=5))
        logger.error("worker %s booted", 7)
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    for leak in ("web-secret-visitor", "CR-7K3M", "203.0.113.7", "Phone"):
        assert leak not in line
    if log_format == "json":
        entry = json.loads(line)
        assert (entry["request_id"], entry["method"], entry["path"], entry["status"]) == \
               (rid, "GET", "/api/chat/inbox", 200)
        assert json.loads(err.splitlines()[-1])["msg"] == "worker 7 booted"
    else:
        assert '"GET /api/chat/inbox HTTP/1.1" 200' in line and rid in line


def test_every_secret_setting_is_masked_whether_read_from_the_environment_or_built(monkeypatch):
    from bot.config import SECRETS, from_env

    for n, env in enumerate(SECRETS.values()):
        monkeypatch.setenv(env, f"value-of-secret-{n}-{env.lower()}")
    settings = from_env()
    for n, (field, env) in enumerate(SECRETS.items()):
        assert getattr(settings, field) == f"value-of-secret-{n}-{env.lower()}"  # the same setting, both names
    assert sorted(logs.secrets_from_env()) == sorted(settings.secret_values())
    logs.keep_secret(*settings.secret_values())
    line = logs.redact(" ".join(settings.secret_values()))
    assert "value-of-secret" not in line

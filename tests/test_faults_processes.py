"""Issue 12's process rows with real processes: a typo in the content stops gunicorn (Procfile flags) and
`make run` with the content error instead of respawning workers forever; the scheduler process outlives a
PostgreSQL outage (a TCP proxy the test cuts) and sends afterwards."""
from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import CONTENT

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


@pytest.fixture
def broken_content(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    with open(copy / "office.yaml", "a", encoding="utf-8") as f:
        f.write("name: [unclosed\n")  # an office's typo
    return copy


def env_with(content: Path, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CONTENT_DIR": str(content), "PYTHAINLP_OFFLINE": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"}


def procfile_web_command() -> list[str]:
    """The Procfile's `web:` line as Heroku-style runners start it, less its leading `env NAME=value`."""
    line = next(l for l in (ROOT / "Procfile").read_text().splitlines() if l.startswith("web:"))
    argv = shlex.split(line.split(":", 1)[1])
    if argv[0] == "env":
        argv = argv[1:]
        while "=" in argv[0]:
            argv = argv[1:]
    return argv


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed in .venv by make install")
def test_broken_content_stops_gunicorn_with_the_message(broken_content, tmp_path):
    argv = procfile_web_command()
    assert argv[0] == "gunicorn" and "app:app" in argv
    proc = subprocess.run([str(GUNICORN), *argv[1:], "--bind", "127.0.0.1:0"], cwd=ROOT,
                          env=env_with(broken_content, tmp_path), capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "content error" in proc.stderr and "office.yaml" in proc.stderr
    assert "Booting worker" not in proc.stderr  # stopped in the master, before any worker


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_broken_content_ends_make_run_with_the_message(broken_content, tmp_path):
    proc = subprocess.run(["make", "-s", "run"], cwd=ROOT, env=env_with(broken_content, tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "content error" in proc.stderr and "office.yaml" in proc.stderr


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL to cut its connections")
def test_the_scheduler_process_outlives_a_database_outage(tmp_path, pg_template, line_api):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.broadcasts import service
    from bot.broadcasts.context import broadcast_services
    from bot.broadcasts.validate import Draft
    from bot.config import Settings
    from bot.storage import utcnow
    from tests.fakes.tcp_proxy import TcpProxy

    base = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"t_{os.urandom(6).hex()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    proxy = TcpProxy(base.host or "127.0.0.1", base.port or 5432)
    url = base.set(database=name, host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = Settings(database_url=url, content_dir=CONTENT, line_channel_secret="s",
                        line_channel_access_token="t", line_api_base_url=line_api.url)
    bsvc = broadcast_services(settings)
    env = {**os.environ, "DATABASE_URL": url, "CONTENT_DIR": str(CONTENT), "LINE_CHANNEL_SECRET": "s",
           "LINE_CHANNEL_ACCESS_TOKEN": "t", "LINE_API_BASE_URL": line_api.url, "BROADCAST_SYNC_SECONDS": "1",
           "PYTHAINLP_OFFLINE": "1"}
    proxy.cut()  # the database is down when the scheduler starts
    log = tmp_path / "clock.log"
    clock = subprocess.Popen([sys.executable, "-m", "bot", "scheduler"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True)
    try:
        deadline = time.monotonic() + 20
        while clock.poll() is None and "scheduler failed" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert clock.poll() is None, f"the scheduler exited on a database down at start: {log.read_text()}"
        assert "scheduler failed" in log.read_text()  # it met the outage, said so, and kept going
        proxy.restore()
        time.sleep(3)  # active now, syncing every second
        proxy.cut()
        time.sleep(1.5)  # sync, heartbeat and job-store queries fail meanwhile
        assert clock.poll() is None, "the scheduler exited during the outage"
        proxy.restore()
        b = service.create(bsvc, Draft(text="หลังฐานข้อมูลกลับมา", run_at=utcnow() + timedelta(seconds=2),
                                       channels=["line"]))
        line_api.wait_for("POST", r"/v2/bot/message/broadcast$", timeout=20)
        assert clock.poll() is None
        assert b.id
    finally:
        clock.send_signal(signal.SIGTERM)
        clock.wait(timeout=20)
        err = log.read_text()
        bsvc.db.dispose()
        proxy.close()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    assert clock.returncode == 0, err

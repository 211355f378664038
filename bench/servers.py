"""The processes a LINE benchmark runs: the fake LINE API; the bot as its Procfile deploys it (`release`
once, then `web` and `worker`); the echo bot under gunicorn with the bot's own worker class, workers and
threads. Each app's log goes to a file in a temporary directory."""
from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import procfile, procs

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-channel-secret"
TOKEN = "bench-channel-token"
WEBHOOK = {"bot": "/webhooks/line", "echo": "/callback"}


@dataclass
class FakeApi:
    """The fake LINE API's process and its control calls (bench/fake_line_api.py)."""

    url: str
    process: subprocess.Popen
    seen: int = 0  # records fetched so far
    records: list[dict] = field(default_factory=list)

    def _call(self, method: str, path: str) -> dict:
        parts = urlsplit(self.url)
        if parts.scheme == "https":  # the harness's own control calls, not under test
            conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30,
                                               context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request(method, path)
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def counts(self) -> dict:
        return self._call("GET", "/__bench/counts")

    def answered(self) -> int:
        c = self.counts()
        return c["reply"] + c["push"]

    def hang(self, seconds: float) -> None:
        self._call("POST", f"/__bench/hang?seconds={seconds}")

    def set_delay(self, ms: float) -> None:
        self._call("POST", f"/__bench/delay?ms={ms}")

    def fetch(self) -> list[dict]:
        """Every record so far (new ones fetched and kept)."""
        got = self._call("GET", f"/__bench/records?since={self.seen}")
        self.records += got["records"]
        self.seen = got["next"]
        return self.records


@contextmanager
def fake_api(cert: Path | None = None, key: Path | None = None, delay_ms: float = 0):
    cmd = [sys.executable, "-m", "bench.fake_line_api", "--line-delay-ms", str(delay_ms)]
    if cert:
        cmd += ["--cert", str(cert), "--key", str(key)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"fake LINE API did not start: {line!r}")
        yield FakeApi(line.split(" ", 1)[1], proc)
    finally:
        stop(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Served:
    """One app's web server (a gunicorn master and its workers), and for the bot its other processes."""

    kind: str  # "bot" or "echo"
    port: int
    process: subprocess.Popen
    log: Path
    settings: dict  # gunicorn's: worker_class, workers, threads, ...
    others: list[subprocess.Popen] = field(default_factory=list)  # the bot's `worker` (outbox) process
    database_url: str | None = None
    ready_seconds: float = 0.0  # from launch to every worker answering

    @property
    def path(self) -> str:
        return WEBHOOK[self.kind]

    @property
    def master(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        return procs.children(self.master)

    def pids(self) -> list[int]:
        """Every process of this app now: the master, its workers, the bot's outbox worker."""
        return [self.master, *self.workers(), *(p.pid for p in self.others if p.poll() is None)]


def environment(api_url: str, ca: Path | None) -> dict[str, str]:
    """Both apps: the channel's secrets, LINE at the fake, its CA trusted the way any deployment would
    (OpenSSL's default verify paths, read from SSL_CERT_FILE by urllib3 and the bot; REQUESTS_CA_BUNDLE for
    `requests`), and the venv's scripts first on PATH, as on the platform."""
    env = dict(os.environ, PYTHAINLP_OFFLINE="1", LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
               LINE_API_BASE_URL=api_url, LINE_DATA_API_BASE_URL=api_url,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if ca:
        env.update(SSL_CERT_FILE=str(ca), REQUESTS_CA_BUNDLE=str(ca))
    return env


def bot_environment(api_url: str, tmp: Path, ca: Path | None, database_url: str, port: int) -> dict[str, str]:
    # Signed LINE webhooks are never limited (bot/channels/protect.py); the other flood limits stay at their
    # defaults.
    return dict(environment(api_url, ca), DATABASE_URL=database_url, EVIDENCE_DIR=str(tmp / "evidence"),
                SECRET_KEY=secrets.token_hex(32), PORT=str(port))


@contextmanager
def serve_bot(repo: Path, api_url: str, tmp: Path, database_url: str, ca: Path | None = None,
              one_process: bool = False):
    """The bot by its Procfile: `release`, then `web` (and `worker`, unless `one_process`: SQLite is one
    process's database, so the web then runs one worker and nothing else)."""
    tmp.mkdir(parents=True, exist_ok=True)
    lines = procfile.processes(repo)
    port = free_port()
    env = bot_environment(api_url, tmp, ca, database_url, port)
    launched = time.monotonic()
    if "release" in lines:
        subprocess.run(procfile.argv(lines["release"], port), cwd=repo, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    web = procfile.argv(lines["web"], port)
    if one_process:
        web = [*web, "--workers", "1"]  # the last flag wins
    settings = procfile.gunicorn_settings(web, repo, env)
    log = tmp / "bot-web.log"
    with ExitStack() as stack:
        out = stack.enter_context(open(log, "wb"))
        proc = subprocess.Popen(web, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT)
        stack.callback(stop, proc)
        served = Served("bot", port, proc, log, settings, database_url=database_url)
        if "worker" in lines and not one_process:
            worker_log = stack.enter_context(open(tmp / "bot-worker.log", "wb"))
            worker = subprocess.Popen(procfile.argv(lines["worker"], port), cwd=repo, env=env, stdout=worker_log,
                                      stderr=subprocess.STDOUT)
            stack.callback(stop, worker)
            served.others.append(worker)
        wait_ready(served)
        served.ready_seconds = round(time.monotonic() - launched, 1)
        yield served


@contextmanager
def serve_echo(api_url: str, tmp: Path, settings: dict, ca: Path | None = None):
    """line-bot-sdk's echo bot (bench/echo_app.py) with the bot's worker class, workers and threads. Its
    own (empty) gunicorn config file, so the bot's logging and start-up checks are not run for it."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "echo.gunicorn.conf.py").write_text("# the echo bot: command-line settings only\n")
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "--config", str(tmp / "echo.gunicorn.conf.py"),
           "--bind", f"127.0.0.1:{port}", "--worker-class", settings["worker_class"],
           "--workers", str(settings["workers"]), "--threads", str(settings["threads"]),
           "--timeout", str(settings["timeout"]), "--keep-alive", str(settings["keepalive"]),
           *(["--preload"] if settings.get("preload") else []), "bench.echo_app:app"]
    log = tmp / "echo.log"
    launched = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=environment(api_url, ca), stdout=out, stderr=subprocess.STDOUT)
    served = Served("echo", port, proc, log, dict(settings))
    try:
        wait_ready(served)
        served.ready_seconds = round(time.monotonic() - launched, 1)
        yield served
    finally:
        stop(proc)


def wait_ready(served: Served, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    workers = served.settings["workers"]
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"{served.kind} exited ({served.process.returncode}):\n{served.log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            if ok and len(served.workers()) >= workers:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{served.kind} not ready after {timeout} s:\n{served.log.read_text()[-3000:]}")

"""The processes a webhook benchmark runs: the fake LINE API, and the bot or the echo bot under gunicorn
(2 sync workers, as the Procfile serves it), each with its own SQLite file and log in a temporary directory."""
from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import procs

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-channel-secret"
TOKEN = "bench-channel-token"
SIGNED_LIMIT = "100000 per second"  # the bot's RATE_LIMIT_LINE_SIGNED here (see app_environment)
WEBHOOK = {"bot": "/webhooks/line", "echo": "/callback"}


@dataclass
class FakeApi:
    url: str
    process: subprocess.Popen

    def counts(self) -> dict:
        import json
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        kwargs = {}
        if parts.scheme == "https":
            import ssl
            kwargs["context"] = ssl._create_unverified_context()  # the harness's own counter, not under test
        conn = conn_cls(parts.hostname, parts.port, timeout=10, **kwargs)
        conn.request("GET", "/__bench/counts")
        data = json.loads(conn.getresponse().read())
        conn.close()
        return data

    def answered(self) -> int:
        c = self.counts()
        return c["reply"] + c["push"]


@contextmanager
def fake_api(cert: Path | None = None, key: Path | None = None):
    cmd = [sys.executable, "-m", "bench.fake_line_api"]
    if cert:
        cmd += ["--cert", str(cert), "--key", str(key)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"fake LINE API did not start: {line!r}")
        yield FakeApi(line.split(" ", 1)[1], proc)
    finally:
        proc.terminate()
        proc.wait(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    kind: str  # "bot" or "echo"
    port: int
    process: subprocess.Popen
    log: Path
    ready_seconds: float = 0.0  # from launch to both workers answering (the bot migrates its database first)

    @property
    def path(self) -> str:
        return WEBHOOK[self.kind]

    @property
    def master(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        return procs.children(self.master)


def app_environment(kind: str, api_url: str, tmp: Path, ca: Path | None) -> dict[str, str]:
    env = dict(os.environ, PYTHAINLP_OFFLINE="1", LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
               LINE_API_BASE_URL=api_url, LINE_DATA_API_BASE_URL=api_url)
    if kind == "bot":
        # The closed loop drives each worker at its capacity, near the default signed flood limit (500 a
        # second, per worker in memory): raised, so throughput measures the bot rather than that setting.
        # It is still counted on every webhook. The other flood limits stay at their defaults.
        env.update(DATABASE_URL=f"sqlite:///{tmp}/bot.sqlite3", EVIDENCE_DIR=str(tmp / "evidence"),
                   SECRET_KEY=secrets.token_hex(32), RATE_LIMIT_LINE_SIGNED=SIGNED_LIMIT)
    else:
        env["ECHO_CLIENT"] = "per-event" if ca else "shared"
    if ca:
        # How both apps trust the fake's CA: OpenSSL's default verify paths (which urllib3, hence the LINE
        # SDK, uses when no CA file is configured) read SSL_CERT_FILE; `requests` reads REQUESTS_CA_BUNDLE.
        env.update(SSL_CERT_FILE=str(ca), REQUESTS_CA_BUNDLE=str(ca))
    return env


@contextmanager
def serve(kind: str, api_url: str, tmp: Path, ca: Path | None = None, preload: bool = True, workers: int = 2):
    tmp.mkdir(parents=True, exist_ok=True)
    launched = time.perf_counter()
    env = app_environment(kind, api_url, tmp, ca)
    if kind == "bot":
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    port = free_port()
    log = tmp / f"{kind}-gunicorn.log"
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--timeout", "60", "--backlog", "2048"]
    if preload:
        cmd.append("--preload")
    cmd.append("app:app" if kind == "bot" else "bench.echo_app:app")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    served = Served(kind, port, proc, log)
    try:
        wait_ready(served, workers)
        served.ready_seconds = round(time.perf_counter() - launched, 1)
        yield served
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_ready(served: Served, workers: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
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

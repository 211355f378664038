"""A small local HTTP server that stands in for a platform API (LINE, Messenger) in tests and benchmarks.

It records every request and answers from a script (status, JSON) per route, so the real SDK code path
runs against it: point `LINE_API_BASE_URL` / `FACEBOOK_GRAPH_BASE_URL` at `fake.url`. `outage()` makes
routes fail (500, 429 with Retry-After) or hang (accept and never answer) until `recover()`.
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Response:
    status: int = 200
    body: Any = field(default_factory=dict)
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False  # accept the request and answer nothing until the outage ends


Route = tuple[str, re.Pattern]


class ListeningServer(ThreadingHTTPServer):
    """Python's default listen backlog is 5: several web workers' sending pools opening connections at once
    overflow it, and their connects time out. A platform's servers take far more."""

    request_queue_size = 128


class FakePlatform:
    def __init__(self, defaults: dict[tuple[str, str], Response | Callable[[Recorded], Response]] | None = None):
        self.requests: list[Recorded] = []
        self._defaults = {(m, re.compile(p)): r for (m, p), r in (defaults or {}).items()}
        self._scripted: list[tuple[Route, Response]] = []
        self._outages: list[tuple[Route, Response]] = []
        self._recovered = threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                rec = Recorded(self.command, parts.path, parse_qs(parts.query),
                               {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                resp = fake._respond(rec)
                if resp.hang:
                    fake._recovered.wait(60)
                    self.close_connection = True
                    return
                if resp.delay:
                    time.sleep(resp.delay)
                if isinstance(resp.body, (bytes, bytearray)):
                    payload = bytes(resp.body)
                else:
                    payload = json.dumps(resp.body).encode()
                self.send_response(resp.status)
                self.send_header("Content-Type", resp.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for k, v in resp.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        Handler.disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms stall)
        self.server = ListeningServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _respond(self, rec: Recorded) -> Response:
        with self._changed:
            self.requests.append(rec)
            for (method, pattern), resp in self._outages:
                if method == rec.method and pattern.search(rec.path):
                    self._changed.notify_all()
                    return resp
            for i, ((method, pattern), resp) in enumerate(self._scripted):
                if method == rec.method and pattern.search(rec.path):
                    del self._scripted[i]
                    self._changed.notify_all()
                    return resp
            self._changed.notify_all()
        for (method, pattern), resp in self._defaults.items():
            if method == rec.method and pattern.search(rec.path):
                return resp(rec) if callable(resp) else resp
        return Response(200, {})

    def script(self, method: str, path_pattern: str, *responses: Response) -> None:
        """Answer the next matching requests with `responses`, in order, then fall back to the defaults."""
        with self._lock:
            for resp in responses:
                self._scripted.append(((method, re.compile(path_pattern)), resp))

    def fail(self, method: str, path_pattern: str, status: int = 500, times: int = 1) -> None:
        self.script(method, path_pattern, *[Response(status, {"message": "fake outage"}) for _ in range(times)])

    def outage(self, method: str, path_pattern: str, status: int = 500, retry_after: int | None = None,
               hang: bool = False) -> None:
        """Every matching request fails (`status`, with Retry-After when given) or hangs, until recover()."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            self._recovered.clear()
            self._outages.append(((method, re.compile(path_pattern)),
                                  Response(status, {"message": "fake outage"}, headers=headers, hang=hang)))

    def recover(self) -> None:
        with self._lock:
            self._outages.clear()
            self._recovered.set()

    def calls(self, method: str | None = None, path_pattern: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if (method is None or r.method == method)
                    and (path_pattern is None or re.search(path_pattern, r.path))]

    def wait_for(self, method: str, path_pattern: str, count: int = 1, timeout: float = 10.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [r for r in self.requests if r.method == method and re.search(path_pattern, r.path)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {method} {path_pattern} call(s), got {len(found)}")
                self._changed.wait(left)

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def close(self) -> None:
        self.recover()
        self.server.shutdown()
        self.server.server_close()


def tiny_jpeg(color: tuple[int, int, int] = (40, 120, 200), exif=None) -> bytes:
    """A real (decodable) 8x8 JPEG: evidence is re-encoded, so content must be a picture."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (250, 200, 0, 255)).save(out, "PNG")
    return out.getvalue()


from tests.fakes.line_rules import SENT  # noqa: E402  (what LINE answers to an accepted send)


def fake_line() -> FakePlatform:
    """LINE Messaging API (api.line.me and api-data.line.me share one fake)."""
    return FakePlatform({
        ("POST", r"^/v2/bot/message/(reply|push)$"): Response(200, SENT),
        ("POST", r"^/v2/bot/message/(multicast|broadcast|narrowcast)$"): Response(200, {}),
        ("GET", r"^/v2/bot/profile/"): lambda rec: Response(200, {"userId": rec.path.rsplit("/", 1)[-1],
                                                                   "displayName": "ผู้ใช้ทดสอบ"}),
        ("GET", r"^/v2/bot/message/[^/]+/content$"): Response(200, tiny_jpeg(), "image/jpeg"),
        ("POST", r"^/v2/bot/richmenu$"): Response(200, {"richMenuId": "richmenu-fake-1"}),
    })


def fake_facebook() -> FakePlatform:
    """Messenger Platform Send API on graph.facebook.com."""
    counter = {"n": 0}

    def sent(rec: Recorded) -> Response:
        counter["n"] += 1
        recipient = (rec.json or {}).get("recipient", {}).get("id", "")
        return Response(200, {"recipient_id": recipient, "message_id": f"m_fake_{counter['n']}"})

    return FakePlatform({("POST", r"/me/messages$"): sent})

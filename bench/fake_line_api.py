"""A stand-in for the LINE Messaging API, in its own process, that behaves as the real one does on the
network it lives on: each call takes `--line-delay-ms` (default 50: half before LINE takes the message,
half for the answer to come back), calls are served at once on as many connections as come (a thread
each, nothing serialised), and with --cert/--key it speaks TLS, as api.line.me does.

As LINE does, it refuses a second reply with a reply token already used (400 "Invalid reply token") and
a push with an X-Line-Retry-Key it has accepted before (409). It records every reply and push it
accepts or refuses (time, token or recipient, retry key, a digest of the first message), so that the
harness can tell which event each answer belongs to: answered, lost, doubled, and how long after the
event's arrival the answer reached LINE.

It can hang: POST /__bench/hang?seconds=15 and every call, new or in flight, waits with its connection
held open until the time is up; then each call whose caller is still waiting is served, and one whose
caller hung up is dropped unseen (as if it never reached LINE; counted as `abandoned`).

    python -m bench.fake_line_api [--line-delay-ms 50] [--cert server.pem --key server.key]   # "READY <url>"

Control (never delayed, never held): GET /__bench/counts, GET /__bench/records?since=N,
POST /__bench/hang?seconds=S (0 ends a hang), POST /__bench/delay?ms=M.
"""
from __future__ import annotations

import argparse
import json
import select
import ssl
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.fakes.line_rules import LineRules

KINDS = {"/v2/bot/message/reply": "reply", "/v2/bot/message/push": "push",
         "/v2/bot/message/multicast": "multicast", "/v2/bot/message/broadcast": "broadcast"}


def digest(message) -> int:
    """A short fingerprint of one message, to tell a second copy of an answer from its next batch."""
    return zlib.crc32(json.dumps(message, sort_keys=True, ensure_ascii=False).encode())


class Line:
    """What the fake knows: spent reply tokens, accepted retry keys, the records, the delay, the hang."""

    def __init__(self, delay_ms: float = 50):
        self.rules = LineRules()  # spent reply tokens, accepted retry keys
        self.lock = self.rules.lock
        self.delay = delay_ms / 1000
        self.hang_until = 0.0
        self.holding = 0  # calls held by a hang right now
        self.records: list[dict] = []
        self.counts = {"reply": 0, "push": 0, "multicast": 0, "broadcast": 0, "other": 0, "refused": 0,
                       "abandoned": 0, "connections": 0}

    def count(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1

    def hang(self, seconds: float) -> None:
        """Hangs from now for `seconds` (0: recovers now)."""
        with self.lock:
            self.hang_until = time.monotonic() + seconds

    def wait_out_hang(self) -> bool:
        """Blocks while LINE hangs; True if this call was held."""
        if self.hang_until <= time.monotonic():
            return False
        with self.lock:
            self.holding += 1
        while (left := self.hang_until - time.monotonic()) > 0:
            time.sleep(min(left, 0.05))
        with self.lock:
            self.holding -= 1
        return True

    def take(self, kind: str, body: dict, retry_key: str | None, held: bool) -> tuple[int, bytes]:
        """LINE's decision on one send call, recorded."""
        messages = body.get("messages") or []
        record = {"t": time.monotonic(), "kind": kind, "token": body.get("replyToken"), "to": body.get("to"),
                  "key": retry_key, "first": digest(messages[0]) if messages else None, "n": len(messages),
                  "held": held}
        with self.lock:
            status, payload = self.rules.decide_locked(kind, record["token"], retry_key)
            record["status"] = status
            self.records.append(record)
            self.counts[kind if status == 200 else "refused"] += 1
        return status, json.dumps(payload).encode()

    def snapshot(self) -> dict:
        with self.lock:
            return {**self.counts, "records": len(self.records), "delay_ms": self.delay * 1000, "holding": self.holding,
                    "hanging": self.hang_until > time.monotonic()}

    def records_since(self, since: int) -> dict:
        with self.lock:
            return {"records": self.records[since:], "next": len(self.records)}


def caller_gone(sock) -> bool:
    """The caller hung up while the call was held: anything readable on a connection whose caller
    waits for an answer is its close (no client here pipelines)."""
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def make_server(line: Line, cert: str | None = None, key: str | None = None,
                port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            line.count("connections")

        def _answer(self, payload: bytes, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if status == 409:
                self.send_header("X-Line-Accepted-Request-Id", "fake-accepted-request-id")
            self.end_headers()
            self.wfile.write(payload)

        def _control(self, method: str) -> bool:
            parts = urlsplit(self.path)
            if not parts.path.startswith("/__bench/"):
                return False
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if method == "GET" and parts.path == "/__bench/counts":
                self._answer(json.dumps(line.snapshot()).encode())
            elif method == "GET" and parts.path == "/__bench/records":
                self._answer(json.dumps(line.records_since(int(query.get("since", 0)))).encode())
            elif method == "POST" and parts.path == "/__bench/hang":
                line.hang(float(query["seconds"]))
                self._answer(b"{}")
            elif method == "POST" and parts.path == "/__bench/delay":
                line.delay = float(query["ms"]) / 1000
                self._answer(b"{}")
            else:
                self._answer(b'{"message":"unknown control"}', 404)
            return True

        def _on_the_wire(self) -> bool | None:
            """Half the delay out, the hang waited out: True if held, None if the caller left meanwhile."""
            time.sleep(line.delay / 2)
            held = line.wait_out_hang()
            if held and caller_gone(self.connection):
                line.count("abandoned")
                self.close_connection = True
                return None
            return held

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self._control("POST"):
                return
            held = self._on_the_wire()
            if held is None:
                return
            kind = KINDS.get(urlsplit(self.path).path)
            if kind is None:
                line.count("other")
                status, payload = 200, b"{}"
            else:
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                status, payload = line.take(kind, body, self.headers.get("X-Line-Retry-Key"), held)
            time.sleep(line.delay / 2)
            self._answer(payload, status)

        def do_GET(self):
            if self._control("GET"):
                return
            if self._on_the_wire() is None:
                return
            time.sleep(line.delay / 2)
            if self.path.startswith("/v2/bot/profile/"):
                self._answer(json.dumps({"userId": self.path.rsplit("/", 1)[-1], "displayName": "bench"}).encode())
            else:
                line.count("other")
                self._answer(b"{}")

    server = ManyConnections(("127.0.0.1", port), Handler)
    if cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        # The handshake happens in the connection's own thread, not in the accepting loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    return server


class ManyConnections(ThreadingHTTPServer):
    """LINE takes many connections at once: a listen backlog of 1024 (Python's default, 5, is set when the
    server binds, so it has to be a class attribute), and a thread each that dies with the process."""

    request_queue_size = 1024
    daemon_threads = True


def url_of(server: ThreadingHTTPServer, tls: bool) -> str:
    host, port = server.server_address[:2]
    return f"https://localhost:{port}" if tls else f"http://{host}:{port}"  # the certificate names localhost


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fake_line_api")
    parser.add_argument("--line-delay-ms", type=float, default=50,
                        help="added to every call (half before LINE takes it, half back); default 50")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args(argv)
    server = make_server(Line(args.line_delay_ms), args.cert, args.key)
    print(f"READY {url_of(server, bool(args.cert))}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])

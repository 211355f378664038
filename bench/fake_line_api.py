"""A lean stand-in for the LINE Messaging API, run in its own process for the webhook benchmarks: it
answers reply and push as LINE does and counts them (GET /__bench/counts), records nothing else, so 30,000
messages cost it no memory and the bench process's GIL is not shared with it. With --cert/--key it speaks
TLS, as api.line.me does (the bot then has to trust the benchmark's CA through configuration).

    python -m bench.fake_line_api [--cert server.pem --key server.key]   # prints "READY <url>"
"""
from __future__ import annotations

import argparse
import json
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SENT = json.dumps({"sentMessages": [{"id": "100001", "quoteToken": "fake-quote-token"}]}).encode()
COUNTED = {"/v2/bot/message/reply": "reply", "/v2/bot/message/push": "push"}


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {"reply": 0, "push": 0, "other": 0, "connections": 0}

    def add(self, key: str) -> None:
        with self.lock:
            self.values[key] += 1

    def snapshot(self) -> dict:
        with self.lock:
            return dict(self.values)


def make_server(counts: Counts, cert: str | None = None, key: str | None = None) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            counts.add("connections")

        def _answer(self, payload: bytes, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            kind = COUNTED.get(self.path, "other")
            counts.add(kind)
            self._answer(SENT if kind != "other" else b"{}")

        def do_GET(self):
            if self.path == "/__bench/counts":
                self._answer(json.dumps(counts.snapshot()).encode())
            elif self.path.startswith("/v2/bot/profile/"):
                self._answer(json.dumps({"userId": self.path.rsplit("/", 1)[-1], "displayName": "bench"}).encode())
            else:
                counts.add("other")
                self._answer(b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    if cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        # The handshake happens in the connection's own thread, not in the accepting loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fake_line_api")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args(argv)
    server = make_server(Counts(), args.cert, args.key)
    host, port = server.server_address[:2]
    scheme = "https" if args.cert else "http"
    name = "localhost" if args.cert else host  # the certificate names localhost
    print(f"READY {scheme}://{name}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])

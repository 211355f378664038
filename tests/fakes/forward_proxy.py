"""A small outbound (forward) proxy, as a government network puts between the bot and the internet: plain
http requests arrive with the absolute URI in their request line and are forwarded; https goes through a
CONNECT tunnel. Every request line is recorded, so a test can tell what went through the proxy."""
from __future__ import annotations

import http.client
import select
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade"}


class ForwardProxy:
    def __init__(self):
        self.request_lines: list[str] = []
        self.proxy_headers: list[dict[str, str]] = []
        self.closing = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _record(self) -> None:
                proxy.request_lines.append(self.requestline)
                proxy.proxy_headers.append({k.lower(): v for k, v in self.headers.items()
                                            if k.lower().startswith("proxy-")})

            def _forward(self):
                self._record()
                target = urlsplit(self.path)
                if target.scheme != "http" or not target.hostname:
                    self.send_error(400, "a proxy wants an absolute http URI")
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
                try:
                    upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""),
                                     body, headers)
                    answer = upstream.getresponse()
                    payload = answer.read()
                finally:
                    upstream.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _forward

            def do_CONNECT(self):
                self._record()
                host, _, port = self.path.rpartition(":")
                upstream = socket.create_connection((host, int(port)), timeout=10)
                self.send_response(200, "Connection established")
                self.end_headers()
                self.close_connection = True
                with upstream:
                    proxy.pipe(self.connection, upstream)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def pipe(self, a: socket.socket, b: socket.socket) -> None:
        """Bytes both ways until either side hangs up or the proxy closes."""
        ends = {a: b, b: a}
        while not self.closing.is_set():
            readable, _, _ = select.select(list(ends), [], [], 0.05)
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                ends[sock].sendall(data)

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

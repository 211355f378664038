"""The LINE send path's connection (bot/channels/keepalive.py) against a small local HTTP server: one
connection for many posts, a connection the server closed while idle replaced without an error, and the
read timeout kept."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.channels.keepalive import ERRORS, KeepAlive


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.peers: list[int] = []  # the client port of every connection accepted
        self.close_after_answer = False
        self.delay = 0.0
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/base"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless told otherwise

    def setup(self):
        super().setup()
        self.server.peers.append(self.client_address[1])

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(self.server.delay)
        answer = b'{"path": "' + self.path.encode() + b'", "got": ' + str(len(body)).encode() + b"}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()  # no "Connection: close": the client believes it may reuse the connection
        self.wfile.write(answer)
        if self.server.close_after_answer:
            self.close_connection = True  # ...and the server then hangs up, as an idle timeout does

    def log_message(self, *_args):
        pass


@pytest.fixture
def server():
    s = Server()
    threading.Thread(target=s.serve_forever, daemon=True).start()
    yield s
    s.shutdown()
    s.server_close()


def test_posts_in_a_row_share_one_connection(server):
    http = KeepAlive(server.url, (2.0, 2.0))
    answers = [http.post("/v2/bot/message/reply", b"{}", {"Content-Type": "application/json"}) for _ in range(3)]
    assert [a.status for a in answers] == [200, 200, 200]
    assert answers[0].body == b'{"path": "/base/v2/bot/message/reply", "got": 2}'
    assert len(server.peers) == 1


def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error(server):
    http = KeepAlive(server.url, (2.0, 2.0))
    server.close_after_answer = True
    assert http.post("/push", b"{}", {}).status == 200
    time.sleep(0.2)  # the server has hung up by now
    assert http.post("/push", b"{}", {}).status == 200  # sent on a new connection, not on the dead one
    assert len(server.peers) == 2


def test_a_slow_answer_is_cut_off_at_the_read_timeout(server):
    http = KeepAlive(server.url, (2.0, 0.2))
    server.delay = 1.0
    started = time.monotonic()
    with pytest.raises(ERRORS):
        http.post("/push", b"{}", {})
    assert time.monotonic() - started < 0.9
    server.delay = 0.0
    assert http.post("/push", b"{}", {}).status == 200  # and the next call starts afresh


def test_each_thread_has_its_own_connection(server):
    http = KeepAlive(server.url, (2.0, 2.0))
    http.post("/push", b"{}", {})
    other = threading.Thread(target=lambda: http.post("/push", b"{}", {}))
    other.start()
    other.join()
    assert len(server.peers) == 2


class Scripted:
    """A raw TCP server answering each request on a connection with the next of `answers`, byte for byte."""

    def __init__(self, answers: list[bytes]):
        import socket

        self.answers = list(answers)
        self.requests: list[bytes] = []
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while self.answers:
            conn, _ = self.sock.accept()
            self.connections += 1
            with conn, conn.makefile("rb") as rfile:
                while self.answers:
                    head = b""
                    while not head.endswith(b"\r\n\r\n"):
                        line = rfile.readline()
                        if not line:
                            break
                        head += line
                    if not head:
                        break
                    length = int(next(l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")))
                    self.requests.append(head + rfile.read(length))
                    answer = self.answers.pop(0)
                    conn.sendall(answer)
                    if b"Connection: close" in answer or b"Content-Length" not in answer and b"chunked" not in answer:
                        break


def test_chunked_answers_and_headers_by_any_case():
    s = Scripted([b"HTTP/1.1 100 Continue\r\n\r\n"
                  b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"4\r\n{\"me\r\n9;ext=1\r\nssage\":1}\r\n0\r\nX-Trailer: t\r\n\r\n",
                  b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"])
    http = KeepAlive(s.url, (2.0, 2.0))
    first = http.post("/push", b'{"a":1}', {"X-Line-Retry-Key": "k-1"})
    assert (first.status, first.body, first.headers.get("Retry-After")) == (429, b'{"message":1}', "7")
    assert http.post("/push", b"{}", {}).status == 200
    assert s.connections == 1  # the chunked answer was read to its end, so the connection was reused
    request = s.requests[0]
    assert request.startswith(b"POST /push HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nX-Line-Retry-Key: k-1\r\n" in request and request.endswith(b'\r\n\r\n{"a":1}')


def test_an_answer_that_closes_the_connection_is_read_whole_and_the_next_post_reconnects():
    s = Scripted([b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
                  b"HTTP/1.0 500 Oops\r\n\r\nno length: read to the end",
                  b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])
    http = KeepAlive(s.url, (2.0, 2.0))
    assert http.post("/a", b"", {}).body == b"{}"
    second = http.post("/b", b"", {})
    assert (second.status, second.body) == (500, b"no length: read to the end")
    assert http.post("/c", b"", {}).status == 200
    assert s.connections == 3


@pytest.mark.parametrize("answer", [b"garbage\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                                    b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", b""])
def test_a_malformed_or_cut_answer_is_an_error_and_the_connection_dropped(answer):
    s = Scripted([answer, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])
    http = KeepAlive(s.url, (2.0, 2.0))
    with pytest.raises(ERRORS):
        http.post("/a", b"", {})
    assert http.post("/b", b"", {}).status == 200
    assert s.connections == 2


def test_a_header_value_with_a_line_break_is_refused_before_anything_is_sent():
    s = Scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])
    http = KeepAlive(s.url, (2.0, 2.0))
    with pytest.raises(ValueError):
        http.post("/a", b"", {"X-Line-Retry-Key": "k\r\nX-Evil: 1"})
    assert s.requests == [] and s.connections == 0

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

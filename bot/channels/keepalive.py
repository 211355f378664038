"""One keep-alive HTTP(S) connection per thread to one API host, on the standard library's http.client.

Every LINE answer is one POST to one host. urllib3's pool, retry, timeout and header objects around
http.client cost about a third of the post's CPU (~0.25 ms a message, measured in one process against
the same fake API); this keeps what matters of them: a connect and a read timeout, TLS verified against
the system's CAs (SSL_CERT_FILE is honoured, as by urllib3), no hidden retries, and a connection the
server has closed while idle noticed before it is reused (as urllib3 does), so a POST is never sent on
a dead socket and then guessed about.
"""
from __future__ import annotations

import http.client
import select
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

ERRORS = (http.client.HTTPException, OSError)  # refused, reset, timed out, TLS, a malformed answer


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class KeepAlive:
    def __init__(self, base_url: str, timeout: tuple[float, float]):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.tls = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")
        self.connect_timeout, self.read_timeout = timeout
        self._context = ssl.create_default_context() if self.tls else None
        self._local = threading.local()

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        """The answer, whatever its status; ERRORS when there is none (the connection is then dropped)."""
        conn = self._connection()
        try:
            conn.request("POST", self.prefix + path, body, headers)
            resp = conn.getresponse()
            answer = Answer(resp.status, resp.headers, resp.read())
        except BaseException:
            self._drop()
            raise
        if resp.will_close:
            self._drop()
        return answer

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and (conn.sock is None or _dropped(conn.sock)):
            self._drop()
            conn = None
        if conn is None:
            if self.tls:
                conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.connect_timeout,
                                                   context=self._context)
            else:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)
            conn.connect()
            conn.sock.settimeout(self.read_timeout)
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()


def _dropped(sock) -> bool:
    """An idle keep-alive socket that is readable has been closed by the server (or holds junk)."""
    try:
        poll = select.poll()
        poll.register(sock, select.POLLIN)
        return bool(poll.poll(0))
    except (OSError, ValueError):
        return True

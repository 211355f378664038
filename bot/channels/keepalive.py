"""One keep-alive HTTP(S) connection per thread to one API host, speaking just enough HTTP/1.1.

Every LINE answer is one POST to one host. urllib3's pool, retry, timeout and header objects around
http.client cost about a third of the post's CPU (~0.25 ms a message), and http.client's own request
building and header parsing (the e-mail package's parser) cost 100 µs a post where this exchange costs
about 40 (both measured against the bench's fake LINE API, one process). What matters of them is kept:
a connect and a read timeout, TLS verified against the system's CAs (SSL_CERT_FILE is honoured, as by
urllib3), header values refused if they hold a line break, Content-Length and chunked answers, a
connection the server says it will close dropped after the answer, no hidden retries, and a
connection the server has closed while idle noticed before it is reused (as urllib3 does), so a POST is
never sent on a dead socket and then guessed about.
"""
from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

ERRORS = (http.client.HTTPException, OSError)  # refused, reset, timed out, TLS, a malformed answer
MAX_LINE = 65536  # as http.client
MAX_HEADERS = 100
MAX_BODY = 10_000_000  # an API's answer is a few hundred bytes; anything this big is not one


class Headers(dict):
    """Response headers by lower-case name; `get` takes any case."""

    def get(self, name: str, default=None):
        return super().get(name.lower(), default)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Headers
    body: bytes


class _Connection:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.rfile = sock.makefile("rb")

    def close(self) -> None:
        self.rfile.close()
        self.sock.close()


class KeepAlive:
    def __init__(self, base_url: str, timeout: tuple[float, float]):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.tls = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port or (443 if self.tls else 80)
        self.prefix = parts.path.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        default_port = self.port == (443 if self.tls else 80)
        self._host_header = host if default_port else f"{host}:{self.port}"
        self.connect_timeout, self.read_timeout = timeout
        self._context = ssl.create_default_context() if self.tls else None
        self._local = threading.local()

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        """The answer, whatever its status; ERRORS when there is none (the connection is then dropped)."""
        request = self._request(path, body, headers)
        conn = self._connection()
        try:
            conn.sock.sendall(request)
            answer, will_close = read_answer(conn.rfile)
        except BaseException:
            self._drop()
            raise
        if will_close:
            self._drop()
        return answer

    def _request(self, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [f"POST {self.prefix}{path} HTTP/1.1", f"Host: {self._host_header}", "Accept-Encoding: identity",
                 f"Content-Length: {len(body)}"]
        for name, value in headers.items():
            value = str(value)
            if "\r" in value or "\n" in value or "\r" in name or "\n" in name or ":" in name:
                raise ValueError(f"invalid header {name!r}")
            lines.append(f"{name}: {value}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def _connection(self) -> _Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and _dropped(conn.sock):
            self._drop()
            conn = None
        if conn is None:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as http.client does
                if self._context is not None:
                    sock = self._context.wrap_socket(sock, server_hostname=self.host)
                sock.settimeout(self.read_timeout)
            except BaseException:
                sock.close()
                raise
            conn = self._local.conn = _Connection(sock)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()


def read_answer(rfile) -> tuple[Answer, bool]:
    """One HTTP/1.x answer from `rfile` (1xx interim answers skipped), and whether the connection ends
    with it."""
    while True:
        version, status = _status_line(_line(rfile))
        headers = _headers(rfile)
        if not 100 <= status < 200:
            break
    connection = headers.get("connection", "").lower()
    will_close = "close" in connection or (version == "HTTP/1.0" and "keep-alive" not in connection)
    if status in (204, 304):
        return Answer(status, headers, b""), will_close
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return Answer(status, headers, _chunked(rfile)), will_close
    length = headers.get("content-length")
    if length is None:
        return Answer(status, headers, _exactly(rfile, None)), True  # the body ends when the connection does
    try:
        n = int(length)
    except ValueError:
        raise http.client.HTTPException(f"bad Content-Length {length[:40]!r}") from None
    if not 0 <= n <= MAX_BODY:
        raise http.client.HTTPException(f"Content-Length {n} out of range")
    return Answer(status, headers, _exactly(rfile, n)), will_close


def _line(rfile) -> bytes:
    line = rfile.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise http.client.LineTooLong("header line")
    if not line:
        raise http.client.RemoteDisconnected("the server closed the connection without an answer")
    return line


def _status_line(line: bytes) -> tuple[str, int]:
    parts = line.decode("latin-1").split(None, 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not (parts[1].isdigit() and len(parts[1]) == 3):
        raise http.client.BadStatusLine(line[:80].decode("latin-1"))
    return parts[0], int(parts[1])


def _headers(rfile) -> Headers:
    headers = Headers()
    for _ in range(MAX_HEADERS + 1):
        line = _line(rfile)
        if line in (b"\r\n", b"\n"):
            return headers
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            raise http.client.HTTPException(f"malformed header line {line[:40]!r}")
        name, value = name.strip().lower(), value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    raise http.client.HTTPException(f"more than {MAX_HEADERS} headers")


def _exactly(rfile, n: int | None) -> bytes:
    data = rfile.read(MAX_BODY + 1 if n is None else n)
    if n is None and len(data) > MAX_BODY:
        raise http.client.HTTPException("answer body too large")
    if n is not None and len(data) != n:
        raise http.client.IncompleteRead(data, n - len(data))
    return data


def _chunked(rfile) -> bytes:
    parts, size = [], 0
    while True:
        line = _line(rfile).split(b";", 1)[0].strip()
        try:
            n = int(line, 16)
        except ValueError:
            raise http.client.HTTPException(f"bad chunk size {line[:20]!r}") from None
        if n == 0:
            break
        size += n
        if size > MAX_BODY:
            raise http.client.HTTPException("answer body too large")
        parts.append(_exactly(rfile, n))
        _line(rfile)  # the CRLF after the chunk
    while _line(rfile) not in (b"\r\n", b"\n"):  # trailers
        pass
    return b"".join(parts)


def _dropped(sock) -> bool:
    """An idle keep-alive socket that is readable has been closed by the server (or holds junk)."""
    try:
        poll = select.poll()
        poll.register(sock, select.POLLIN)
        return bool(poll.poll(0))
    except (OSError, ValueError):
        return True

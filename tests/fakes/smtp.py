"""A small local SMTP server for tests: records each message, and can be told to be down.

Speaks just enough SMTP for `smtplib` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT). `fail(times)`
answers the next connections with 421 (service not available), as a mail server in an outage does.
"""
from __future__ import annotations

import socketserver
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()


class FakeSMTP:
    def __init__(self):
        self.mails: list[Mail] = []
        self._down = 0
        self._lock = threading.Condition()
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                with fake._lock:
                    down = fake._down > 0
                    fake._down -= down
                if down:
                    self.reply("421 fake outage, try again later")
                    return
                self.reply("220 fake-smtp ready")
                sender, recipients = "", []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.reply("250-fake-smtp")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO" or verb in ("NOOP", "RSET"):
                        self.reply("250 ok")
                    elif verb == "MAIL":
                        sender = line.decode().split(":", 1)[1].strip().split()[0].strip("<>")
                        self.reply("250 ok")
                    elif verb == "RCPT":
                        recipients.append(line.decode().split(":", 1)[1].strip().split()[0].strip("<>"))
                        self.reply("250 ok")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        chunks = []
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b".\n", b""):
                                break
                            chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        with fake._lock:
                            fake.mails.append(Mail(sender, recipients, b"".join(chunks)))
                            fake._lock.notify_all()
                        sender, recipients = "", []
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"smtp://{host}:{port}"

    def fail(self, times: int = 1) -> None:
        with self._lock:
            self._down += times

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[Mail]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.mails) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} mail(s), got {len(self.mails)}")
                self._lock.wait(left)
            return list(self.mails)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

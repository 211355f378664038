"""What LINE remembers of the sends it accepted, written once for every fake LINE (the tests' and the
bench's): a reply token works once ("Invalid reply token" the second time), and a send whose
X-Line-Retry-Key it has accepted before answers 409 and is not shown again. Thread-safe."""
from __future__ import annotations

import threading

SENT = {"sentMessages": [{"id": "100001", "quoteToken": "fake-quote-token"}]}
SPENT_TOKEN = {"message": "Invalid reply token"}
KEY_ACCEPTED = {"message": "The retry key is already accepted", **SENT}


class LineRules:
    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.keys: set[str] = set()
        self.lock = threading.Lock()

    def decide(self, kind: str, reply_token: str | None = None, retry_key: str | None = None) -> tuple[int, dict]:
        """LINE's answer to one send ("reply", "push", "multicast", "broadcast"): (status, JSON body); a
        send answered 200 is remembered."""
        with self.lock:
            return self.decide_locked(kind, reply_token, retry_key)

    def decide_locked(self, kind: str, reply_token: str | None, retry_key: str | None) -> tuple[int, dict]:
        """`decide` for a caller already holding `lock` (to record the decision with it)."""
        if kind == "reply" and reply_token in self.tokens:
            return 400, SPENT_TOKEN
        if retry_key and retry_key in self.keys:
            return 409, KEY_ACCEPTED
        if kind == "reply":
            self.tokens.add(reply_token)
        if retry_key:
            self.keys.add(retry_key)
        return 200, SENT if kind in ("reply", "push") else {}

"""Keys that tie a complaint to its reporter without storing who they are in readable form.

`account_hash` is an HMAC (REPORTER_KEY, else SECRET_KEY) of channel and platform id: enough to answer
"did this account file it?" and to count a day's filings, useless to someone holding only the database.
The link used to notify the reporter is sealed (Fernet, same secret) and opened only by the notifier.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


def account_hash(settings, channel: str, user_id: str) -> str:
    return hmac.new(settings.reporter_secret, f"{channel}:{user_id}".encode("utf-8"), hashlib.sha256).hexdigest()


def log_ref(settings, user_id: str) -> str:
    """A short keyed tag for a log line that must correlate one account's events (never the id itself)."""
    return hmac.new(settings.reporter_secret, f"log:{user_id}".encode("utf-8"), hashlib.sha256).hexdigest()[:10]


def _fernet(settings) -> Fernet:
    key = hashlib.sha256(b"complaint-contact:" + settings.reporter_secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(settings, user_id: str) -> str:
    return _fernet(settings).encrypt(user_id.encode("utf-8")).decode("ascii")


def unseal(settings, sealed: str) -> str | None:
    """The platform id, or None when the key has changed since (the notice cannot be delivered)."""
    try:
        return _fernet(settings).decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None

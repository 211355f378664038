"""Where the current request comes from, as a keyed tag of the client address (never the address itself).

Set by the HTTP layer for the web chat (bot/channels/protect.py) so that channel-neutral features can
limit per address (web complaints a day) without seeing Flask; empty outside a web request.
"""
from __future__ import annotations

from contextvars import ContextVar

client_origin: ContextVar[str] = ContextVar("client_origin", default="")

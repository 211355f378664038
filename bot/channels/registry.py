"""The channels, one line each. A channel's module is imported on first use, so a process that never
talks to LINE never loads the LINE SDK.

Adding a channel is one module (or package) with a `Channel` class (see base.py) and one line here.
"""
from __future__ import annotations

import importlib
from functools import cache
from typing import Iterator

from .base import Channel
from .platforms import DeliveryError

CHANNELS = {  # name → (the module defining its `Channel` class, how staff see it); the order of every loop
    "web": ("bot.channels.webchat", "เว็บไซต์"),
    "line": ("bot.channels.line", "LINE"),
    "facebook": ("bot.channels.facebook", "Facebook Messenger"),
}


@cache
def channel_class(name: str) -> type:
    return importlib.import_module(CHANNELS[name][0]).Channel


def names() -> list[str]:
    return list(CHANNELS)


def get(services, name: str) -> Channel:
    """The channel `name` bound to `services`; DeliveryError (not retryable) for a name nobody registered."""
    if name not in CHANNELS:
        raise DeliveryError(f"no channel {name!r}", retryable=False)
    return channel_class(name)(services)


def every(services) -> Iterator[Channel]:
    for name in CHANNELS:
        yield get(services, name)


def label(name: str) -> str:
    """Without importing the channel (labels are needed where no platform is spoken to)."""
    return CHANNELS[name][1] if name in CHANNELS else name

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

CHANNELS = {  # name → the module that defines its `Channel` class; this order is the order of every loop
    "web": "bot.channels.webchat",
    "line": "bot.channels.line",
    "facebook": "bot.channels.facebook",
}


@cache
def channel_class(name: str) -> type:
    return importlib.import_module(CHANNELS[name]).Channel


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
    return channel_class(name).label if name in CHANNELS else name

"""Thin adapters between platforms (LINE, Messenger, web chat) and the channel-neutral core.

Each channel (base.py's `Channel`, listed in registry.py) turns its platform's payload into an
`Incoming`, calls `bot.respond()`, renders the replies in the platform's format and sends them; the core
never sees a platform.
"""
from __future__ import annotations

import logging

from flask import Flask

from . import registry

log = logging.getLogger(__name__)


def register_channels(app: Flask, bot, services) -> None:
    """Mount each channel's routes; a channel without credentials stays off and says so in the log
    (its webhook then answers 503 with a JSON error naming the missing settings)."""
    from .channel_off import off_blueprint

    on = []
    for channel in registry.every(services):
        if channel.enabled(services.settings):
            app.register_blueprint(channel.blueprint(bot, services))
            on.append(channel.name)
        elif channel.webhook_path:
            log.info("%s channel off: %s are not both set", registry.label(channel.name), channel.needs)
            app.register_blueprint(off_blueprint(channel.name, channel.webhook_path, channel.needs))
    log.info("channels on: %s", ", ".join(on))

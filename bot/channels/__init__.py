"""Thin adapters between platforms (LINE, Messenger, web chat) and the channel-neutral core.

Each adapter turns a platform's payload into an `Incoming`, calls `bot.respond()`, and renders the
replies in the platform's format; the core never sees a platform.
"""
from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def register_channels(app: Flask, bot, services) -> None:
    """Mount each channel's routes; a channel without credentials stays off and says so in the log
    (its webhook then answers 503 with a JSON error naming the missing settings)."""
    from .channel_off import off_blueprint
    from .webchat import webchat_blueprint

    settings = services.settings
    app.register_blueprint(webchat_blueprint(bot, services))
    enabled = ["web"]
    if settings.line_enabled:
        from .line import line_blueprint

        app.register_blueprint(line_blueprint(bot, services))
        enabled.append("line")
    else:
        log.info("LINE channel off: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not both set")
        app.register_blueprint(off_blueprint("line", "/webhooks/line",
                                             "LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN"))
    if settings.facebook_enabled:
        from .facebook import facebook_blueprint

        app.register_blueprint(facebook_blueprint(bot, services))
        enabled.append("facebook")
        if not settings.facebook_verify_token:
            log.warning("Messenger: FACEBOOK_VERIFY_TOKEN is not set, so the webhook handshake will fail")
    else:
        log.info("Messenger channel off: FACEBOOK_APP_SECRET and FACEBOOK_PAGE_ACCESS_TOKEN are not both set")
        app.register_blueprint(off_blueprint("facebook", "/webhooks/facebook",
                                             "FACEBOOK_APP_SECRET and FACEBOOK_PAGE_ACCESS_TOKEN"))
    log.info("channels on: %s", ", ".join(enabled))

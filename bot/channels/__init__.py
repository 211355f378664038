"""Thin adapters between platforms (LINE, Messenger, web chat) and the channel-neutral core."""
from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def register_channels(app: Flask, bot, services) -> None:
    """Mount each channel's routes; a channel without credentials stays off and says so in the log."""

"""The services the broadcast commands and the scheduler process need: settings, database and office
content, without the language model (they never read a user's message, and it is slow to load)."""
from __future__ import annotations

from bot.config import Settings
from bot.services import NoUnderstanding, Services, build_services


def broadcast_services(settings: Settings) -> Services:
    return build_services(settings, understander=NoUnderstanding())

"""The services the broadcast commands and the scheduler process need: settings, database and office
content, without the language model (they never read a user's message, and it is slow to load)."""
from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from bot.content import load_content
from bot.core.state import StateStore
from bot.services import Services
from bot.storage import Database


def broadcast_services(settings: Settings) -> Services:
    content = load_content(settings.content_dir)
    db = Database(settings.database_url)
    return Services(settings, content, db, StateStore(db, timedelta(minutes=settings.state_ttl_minutes)),
                    understander=None)

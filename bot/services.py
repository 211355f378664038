"""The shared services of one process, built once from settings and handed to the core and channels."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .config import Settings
from .content import Content, load_content
from .core.state import StateStore
from .storage import Database

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    content: Content
    db: Database
    states: StateStore
    understander: Any
    extra: dict[str, Any] = field(default_factory=dict)


class NoUnderstanding:
    """For processes that never read chat messages (staff commands, the scheduler): no model is trained."""

    def understand(self, text: str):
        raise RuntimeError("this process does not understand chat messages")


def build_understander(content: Content) -> Any:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from .nlu import Understander

    understander = Understander.from_content(content.directory)
    understander.warm()
    return understander


def build_services(settings: Settings, understander: Any = None) -> Services:
    content = load_content(settings.content_dir)
    db = Database(settings.database_url)
    states = StateStore(db, timedelta(minutes=settings.state_ttl_minutes))
    return Services(settings, content, db, states, understander or build_understander(content))

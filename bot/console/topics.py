"""The news topics staff pick an announcement's topics from: the Thai topics the bot recognises in a news
question (news_topics of content/nlu/entities.yaml), those of the office's news (content/news.yaml), and
those earlier announcements used, so a topic picked here is one people can ask for."""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.broadcasts.models import Broadcast

THAI = re.compile(r"[\u0e00-\u0e7f]")


def recognised(content_dir: Path) -> list[str]:
    path = Path(content_dir) / "nlu" / "entities.yaml"
    if not path.is_file():
        return []
    words = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("news_topics") or []
    return [w for w in words if isinstance(w, str) and (THAI.search(w) or w.lower() == "ita")]


def office_topics(services) -> list[str]:
    found = recognised(services.content.directory)
    found += [t for n in services.content.news for t in n.topics]
    with services.db.session() as s:
        found += [t for topics in s.scalars(select(Broadcast.topics)) for t in (topics or [])]
    return list(dict.fromkeys(t.upper() if t.lower() == "ita" else t for t in found))

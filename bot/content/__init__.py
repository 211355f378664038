"""Everything about one office, loaded from `content/` (YAML) and validated once at start-up.

Another office runs the same code by editing these files; nothing office-specific lives in Python.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from bot.core.messages import QuickReply
from scoring import ItaData, load_ita
from scoring.yamlfile import ContentError, load_model

from .evidence_items import EvidenceItems, load_evidence_items
from .models import NewsFile, NewsItem, Office, Procedure, Replies

__all__ = ["Content", "ContentError", "load_content"]


@dataclass(frozen=True)
class Content:
    directory: Path
    office: Office
    ita: ItaData
    news: tuple[NewsItem, ...]
    procedures: tuple[Procedure, ...]
    replies: Replies
    evidence_items: EvidenceItems | None = None
    """The ITA items the evidence pack answers, per assessment year (ita/evidence_items.yaml)."""

    def say(self, key: str, lang: str = "th", **values: object) -> str:
        """The reply template `key` in `lang` (Thai when missing), filled with `values`."""
        table = self.replies.en if lang == "en" and key in self.replies.en else self.replies.th
        if key not in table:
            raise ContentError(f"{self.directory / 'replies.yaml'}: no reply template '{key}'")
        template = table[key]
        if isinstance(template, list):
            template = random.choice(template)
        return template.format(office=self.office.short_name, **values)

    def quick_replies(self, key: str, lang: str = "th") -> tuple[QuickReply, ...]:
        """A "label|text" list of replies.yaml as quick replies (an item without "|" is both)."""
        items = (self.replies.en.get(key) if lang == "en" else None) or self.replies.th.get(key, [])
        items = [items] if isinstance(items, str) else items
        return tuple(QuickReply(*item.split("|", 1)) if "|" in item else QuickReply(item, item) for item in items)

    def procedure(self, procedure_id: str) -> Procedure | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)


def load_procedures(folder: Path) -> tuple[Procedure, ...]:
    procedures = []
    for path in sorted(folder.glob("*.yaml")):
        proc = load_model(path, Procedure)
        if proc.id != path.stem:
            raise ContentError(f"{path}: field 'id': must equal the file name '{path.stem}' (got {proc.id!r})")
        procedures.append(proc)
    return tuple(procedures)


def load_content(directory: Path | str) -> Content:
    directory = Path(directory)
    if not directory.is_dir():
        raise ContentError(f"{directory}: content directory not found (set CONTENT_DIR)")
    office = load_model(directory / "office.yaml", Office)
    news = load_model(directory / "news.yaml", NewsFile).items
    procedures = load_procedures(directory / "procedures")
    group_names = {g.name for g in office.groups}
    for proc in procedures:
        if group_names and proc.responsible_group not in group_names:
            raise ContentError(f"{directory / 'procedures' / (proc.id + '.yaml')}: field 'responsible_group': "
                               f"must be one of the groups in office.yaml (got {proc.responsible_group!r})")
    replies = load_model(directory / "replies.yaml", Replies)
    return Content(directory, office, load_ita(directory), tuple(sorted(news, key=lambda n: n.date, reverse=True)),
                   procedures, replies, load_evidence_items(directory))

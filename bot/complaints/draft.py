"""The complaint being written: what the flow has collected so far, typed.

It lives in the conversation state as a plain JSON object between messages (`dump`/`load`), under the
same keys as before it was typed, so a draft saved by an older version loads and one saved now is what
an older version expects. Evidence files are not here: they are rows keyed by `key` (evidence.py).
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields


@dataclass
class Draft:
    key: str = field(default_factory=lambda: str(uuid.uuid4()))  # its evidence rows; a second confirm files nothing
    details: list[str] = field(default_factory=list)  # what happened, one message an item
    trail: list[str] = field(default_factory=list)  # the steps behind this one, for "back"
    opened: float | None = None  # when the flow started (a timestamp): web complaints are not confirmed at once
    category: str | None = None
    pending: str | None = None  # a message that could be a detail or a question, asked about
    location: dict | None = None  # latitude, longitude, title, address
    anonymous: bool | None = None  # None until asked; only False files a name and phone
    name: str | None = None
    phone: str | None = None
    lang: str | None = None  # the language the flow began in ("en" or "th"): it speaks so to the end

    @classmethod
    def load(cls, data: dict) -> Draft:
        known = {f.name for f in fields(cls)}
        draft = cls(**{k: v for k, v in data.items() if k in known})
        draft.details, draft.trail = list(draft.details), list(draft.trail)
        return draft

    def dump(self) -> dict:
        """As stored: keys that were never set are left out, as they were before the draft was typed."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @property
    def named(self) -> bool:
        return self.anonymous is False

    def go_anonymous(self) -> None:
        self.anonymous, self.name, self.phone = True, None, None

"""INTERIM keyword understander, replaced by the trained Thai NLU (same API) when it lands."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CODE = re.compile(r"\b([A-Z]{1,4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b", re.I)
RULES = [
    ("track", ["ติดตามเรื่อง", "track"]),
    ("complaint", ["ร้องเรียน", "ทุจริต", "เรียกรับเงิน", "complain"]),
    ("feedback", ["ความพึงพอใจ", "ให้คะแนน", "เสนอแนะ", "feedback"]),
    ("contact.phone", ["เบอร์", "โทร", "phone"]),
    ("contact.all", ["ติดต่อ", "contact"]),
    ("procedure.list", ["คู่มือ", "บริการ"]),
    ("news.latest", ["ข่าว", "news"]),
    ("ita.total", ["ita", "คะแนน"]),
    ("greeting", ["สวัสดี", "hello"]),
    ("thanks", ["ขอบคุณ", "thank"]),
]


@dataclass(frozen=True)
class Understanding:
    intent: str
    confidence: float
    entities: dict = field(default_factory=dict)
    normalized: str = ""

    @property
    def coarse(self) -> str:
        return self.intent.split(".")[0]


class Understander:
    @classmethod
    def from_content(cls, content_dir: Path) -> "Understander":
        return cls()

    def warm(self) -> None:
        pass

    def understand(self, text: str) -> Understanding:
        low = text.lower()
        entities: dict = {}
        if m := CODE.search(text):
            entities["code"] = m.group(1).upper()
            return Understanding("track", 1.0, entities, low)
        if m := re.search(r"(25\d\d)", low):
            entities["year"] = int(m.group(1))
        for intent, words in RULES:
            if any(w in low for w in words):
                return Understanding(intent, 0.9, entities, low)
        return Understanding("fallback", 0.0, entities, low)

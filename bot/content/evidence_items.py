"""The ITA's open-data items the evidence pack answers, per assessment year (`ita/evidence_items.yaml`).

The ITA renumbers its items from year to year and between agency groups (the corruption-complaint
statistics were O31 in 2564, O29 in 2566, O18 in 2569), so the numbers live in content: an office fixes
a number by editing the file, and the pack follows. Each item names the sections of the pack that answer
it; the section names are the pack's own (`SECTIONS`), checked here so a typo stops the app at start."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from scoring.yamlfile import load_model

from .models import Strict

FILE = Path("ita") / "evidence_items.yaml"

SECTIONS = {
    "corruption": "สถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    "complaints": "สถิติเรื่องร้องเรียนทั่วไป",
    "guideline": "หน้าแนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริต",
    "channel": "หน้าช่องทางแจ้งเรื่องร้องเรียนการทุจริต",
    "contacts": "ข้อมูลการติดต่อ",
    "online": "การใช้บริการออนไลน์และถาม-ตอบ",
    "ratings": "ความพึงพอใจของผู้รับบริการ",
}
"""What the pack can show, by the name an item's `answered_by` uses."""

Section = Literal["corruption", "complaints", "guideline", "channel", "contacts", "online", "ratings"]


class Page(Strict):
    """A page of the office's website that an item asks to link."""

    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    sample: bool = False


class Item(Strict):
    number: str = Field(pattern=r"^O\d{1,2}$")
    title: str = Field(min_length=1)
    needs: str = Field(min_length=1)
    """What the assessors look for, in the manual's words."""
    answered_by: list[Section] = Field(min_length=1)
    sample: bool = False


class Year(Strict):
    sample: bool = False
    source: str = ""
    items: list[Item] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _numbers_unique(cls, items: list[Item]) -> list[Item]:
        seen: set[str] = set()
        for item in items:
            if item.number in seen:
                raise ValueError(f"item {item.number} is listed twice")
            seen.add(item.number)
        return items


class EvidenceItems(Strict):
    pages: dict[Literal["guideline", "channel"], Page] = {}
    years: dict[int, Year] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "EvidenceItems":
        for year, listing in self.years.items():
            if not 2500 <= year <= 2700:
                raise ValueError(f"years: {year} is not a Buddhist-era year such as 2569")
            for item in listing.items:
                missing = [s for s in item.answered_by if s in ("guideline", "channel") and s not in self.pages]
                if missing:
                    raise ValueError(f"years.{year} item {item.number}: answered by {', '.join(missing)}, "
                                     f"but pages has no {', '.join(missing)}")
        return self

    def for_year(self, fiscal_year: int) -> tuple[int, Year] | None:
        """The list of `fiscal_year`, else of the latest year before it (the ITA keeps a list until it
        publishes a new one); None when every list is newer."""
        earlier = [y for y in self.years if y <= fiscal_year]
        return (max(earlier), self.years[max(earlier)]) if earlier else None


def load_evidence_items(directory: Path | str) -> EvidenceItems | None:
    """None when the office has no such file (the pack then shows its figures without item numbers)."""
    path = Path(directory) / FILE
    return load_model(path, EvidenceItems) if path.is_file() else None

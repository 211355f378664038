"""Schemas of the office's content files; unknown keys are rejected so typos are caught on load."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Strict):
    text: str
    text_en: str = ""
    postcode: str = Field(pattern=r"^\d{5}$")


class Hours(Strict):
    sample: bool = False
    text: str
    text_en: str = ""
    days: list[str]
    opens: str = Field(pattern=r"^\d\d:\d\d$")
    closes: str = Field(pattern=r"^\d\d:\d\d$")


class Leader(Strict):
    role: str
    role_en: str = ""
    name: str


class WorkGroup(Strict):
    id: str
    name: str
    short: str = ""
    handles: str
    sample: bool = False


class Channel(Strict):
    """One of the office's other channels (LINE, Facebook, YouTube, e-mail)."""

    name: str
    address: str = ""
    """Where to find it; empty when the office has not given one (the answer then says to search its name)."""
    sample: bool = False


class Referral(Strict):
    """A topic the office does not handle itself, and who does."""

    topic: str
    who: str
    group: str = ""
    """A work group id (groups above) that can still advise, with the office's phone."""
    sample: bool = False


class Office(Strict):
    name: str
    name_en: str
    short_name: str
    short_name_en: str = ""
    slogan: str = ""
    address: Address
    phone: str = Field(min_length=1)
    website: str
    hours: Hours
    leaders: list[Leader] = []
    groups: list[WorkGroup] = []
    channels: list[Channel] = []
    referrals: dict[str, Referral] = {}

    @model_validator(mode="after")
    def _referral_groups(self) -> "Office":
        ids = {g.id for g in self.groups}
        bad = [k for k, r in self.referrals.items() if r.group and r.group not in ids]
        if bad:
            raise ValueError(f"referrals {', '.join(bad)}: group must be one of {sorted(ids)}")
        return self


class NewsItem(Strict):
    id: str
    date: date
    title: str
    topics: list[str] = []
    body: str
    url: str = ""
    image_url: str = ""


class NewsFile(Strict):
    items: list[NewsItem] = []


class Procedure(Strict):
    sample: bool
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    # The button that opens this manual; LINE shows at most 20 characters, so a longer title needs a
    # short one written for it rather than one cut mid-word.
    short_title: str = Field(default="", max_length=20)
    title_en: str = ""
    audience: list[str] = []
    keywords: list[str] = []
    # Situations, purposes and documents that lead a person here ("ธนาคาร กู้"): words in any order (bot/nlu)
    situations: list[str] = []
    summary: str
    steps: list[str] = Field(min_length=1)
    documents: list[str] = []
    fee: str
    time_limit: str
    time_limit_days: int | None = None
    responsible_group: str
    channels: list[str] = []
    contact: str
    legal_basis: list[str] = []

    @model_validator(mode="after")
    def _button_fits(self) -> "Procedure":
        if not self.short_title and len(self.title) > 20:
            raise ValueError(f"title is {len(self.title)} characters: add a short_title of at most 20 for its button")
        return self

    @property
    def button(self) -> str:
        return self.short_title or self.title


class Replies(Strict):
    """Reply templates by key, per language; `{name}` placeholders are filled with computed values."""

    th: dict[str, str | list[str]]
    en: dict[str, str | list[str]] = {}

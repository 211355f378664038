"""Schemas of the ITA content files (`content/ita/*.yaml`).

Only raw indicator scores are inputs; every derived figure is computed in `compute.py`, so a new year's
results are a new YAML file, not a code change.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Tool = Literal["IIT", "EIT", "OIT"]
TOOLS: tuple[Tool, ...] = ("IIT", "EIT", "OIT")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(Strict):
    level: str
    label_en: str
    min: Decimal = Field(ge=0, le=100)


class Scale(Strict):
    id: str
    name: str
    from_year: int
    to_year: int | None = None
    pass_mark: Decimal | None = None
    bands: list[Band] = Field(min_length=2)

    @field_validator("bands")
    @classmethod
    def _descending_to_zero(cls, bands: list[Band]) -> list[Band]:
        mins = [b.min for b in bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("bands must be listed from the highest min to the lowest, without repeats")
        if mins[-1] != 0:
            raise ValueError("the last band must start at 0 so every score gets a level")
        return bands

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


class ScalesFile(Strict):
    scales: list[Scale] = Field(min_length=1)


class TargetFile(Strict):
    default: Decimal = Field(ge=0, le=100)
    indicators: dict[int, Decimal] = {}


class ToolInfo(Strict):
    weight: Decimal = Field(gt=0, le=100)
    name: str
    name_en: str
    purpose: str


class Indicator(Strict):
    number: int = Field(ge=1)
    name: str
    name_en: str
    tool: Tool
    score: Decimal = Field(ge=0, le=100)
    guidance: str | list[str] = ""

    @property
    def guidance_items(self) -> list[str]:
        return [self.guidance] if isinstance(self.guidance, str) else list(self.guidance)


class OitGroup(Strict):
    code: str
    indicator: int
    name: str
    first: int = Field(ge=1)
    last: int = Field(ge=1)


class WeakItem(Strict):
    item: str = Field(pattern=r"^O\d{1,2}$")
    description: str


class NationalAverage(Strict):
    offices: int = Field(gt=0)
    score: Decimal = Field(ge=0, le=100)
    level: str


class PublishedFigure(Strict):
    figure: str
    value: Decimal
    source: str


class Published(Strict):
    total: Decimal = Field(ge=0, le=100)
    level: str
    figures: list[PublishedFigure] = []
    ranking: list[int] = []
    indicator_levels: dict[int, str] = {}


class YearFile(Strict):
    year: int = Field(ge=2500, le=2700)
    assessed_unit: str = ""
    note: str = ""
    note_en: str = ""
    national_average: NationalAverage | None = None
    tools: dict[Tool, ToolInfo] = {}
    indicators: list[Indicator] = []
    oit_groups: list[OitGroup] = []
    weak_items: list[WeakItem] = []
    published: Published

    @model_validator(mode="after")
    def _consistent(self) -> "YearFile":
        if not self.indicators:
            return self
        if set(self.tools) != set(TOOLS):
            raise ValueError("a year with indicator scores needs all three tools IIT, EIT and OIT with weights")
        if sum(t.weight for t in self.tools.values()) != 100:
            raise ValueError("the tool weights must sum to 100")
        numbers = [i.number for i in self.indicators]
        if len(set(numbers)) != len(numbers):
            raise ValueError("indicator numbers must be unique")
        missing = [t for t in TOOLS if not any(i.tool == t for i in self.indicators)]
        if missing:
            raise ValueError(f"no indicator is measured by tool(s) {', '.join(missing)}")
        return self

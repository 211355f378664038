"""Loading every ITA content file into one `ItaData` value that the computations read."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar

from .model import Scale, ScalesFile, TargetFile, YearFile
from .yamlfile import ContentError, load_model

YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")
T = TypeVar("T")


@dataclass(frozen=True)
class ItaData:
    years: dict[int, YearFile]
    scales: tuple[Scale, ...]
    target: TargetFile
    # Figures computed from this content (a year's result, a plan): the content is frozen, so each is
    # computed once per load instead of on every question about it.
    _memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, done once for this content under `key` (two threads may both compute it first:
        the figures are equal, and the dict keeps one)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def latest_year(self) -> int:
        return max(self.years)

    def scale_for(self, year: int) -> Scale:
        for scale in self.scales:
            if scale.covers(year):
                return scale
        raise ContentError(f"no grade scale in content/ita/scales.yaml covers the year {year}")

    def target_for(self, number: int) -> Decimal:
        return self.target.indicators.get(number, self.target.default)


def load_ita(content_dir: Path | str) -> ItaData:
    folder = Path(content_dir) / "ita"
    years: dict[int, YearFile] = {}
    for path in sorted(folder.glob("*.y*ml")):
        match = YEAR_FILE.match(path.name)
        if not match:
            continue
        year_file = load_model(path, YearFile)
        if year_file.year != int(match.group(1)):
            raise ContentError(f"{path}: field 'year': must match the file name (got {year_file.year})")
        years[year_file.year] = year_file
    if not years:
        raise ContentError(f"{folder}: no year files such as 2564.yaml")
    scales = load_model(folder / "scales.yaml", ScalesFile).scales
    target = load_model(folder / "target.yaml", TargetFile)
    data = ItaData(years=years, scales=tuple(scales), target=target)
    for year in years:
        data.scale_for(year)
    return data

"""Chart pictures of the office's ITA results, for people who would rather look than read: the yearly
trend (`trend`) and one year's indicators (`indicators-<year>`), each against the office's target and
the pass mark. Figures come from `scoring/`, texts from `content/replies.yaml`; each picture is drawn
once per process, when first fetched, and served at a stable URL (`/charts/<name>.png`, see `web.py`),
absolute through `PUBLIC_BASE_URL` because LINE and Messenger fetch images themselves and need https.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from bot.core.messages import Image
from scoring import year_result
from scoring.summary import fmt

from . import draw

if TYPE_CHECKING:
    from bot.services import Services

NAME = re.compile(r"^(trend|indicators-(\d{4}))$")


@dataclass(frozen=True)
class Chart:
    name: str
    alt_text: str
    size: tuple[int, int]
    drawing: Callable[[], bytes] = field(repr=False, compare=False)

    @property
    def png(self) -> bytes:
        """Drawn when the picture is first fetched, not when an answer names it: the answer carries only
        the URL and the alt text, and encoding the PNG takes ~90 ms, which would land on one user's turn."""
        with _draw_lock:
            if "_png" not in self.__dict__:
                object.__setattr__(self, "_png", self.drawing())
            return self.__dict__["_png"]


_cache: dict[tuple[int, str, str], tuple[object, Chart]] = {}
_lock = threading.Lock()
_draw_lock = threading.Lock()  # apart from _lock: drawing one picture does not hold up naming another


def _lines(content, year: int, lang: str) -> draw.Lines:
    ita = content.ita
    target, mark = ita.target.default, year_result(ita, year).grade.pass_mark
    return draw.Lines(float(target), content.say("chart_target", lang, target=fmt(target)),
                      float(mark) if mark is not None else None,
                      content.say("chart_pass", lang, pass_mark=fmt(mark)) if mark is not None else "")


def _trend(content, lang: str) -> Chart:
    ita = content.ita
    results = [year_result(ita, y) for y in sorted(ita.years)]
    latest = results[-1]
    lines = _lines(content, latest.year, lang)
    bars = [draw.Bar(str(r.year), float(r.total), r.grade.level) for r in results]
    rows = ", ".join(content.say("chart_trend_row", lang, year=r.year, total=fmt(r.total), level=r.grade.level)
                     for r in results)
    title = content.say("chart_trend_title", lang, first=results[0].year, last=latest.year)
    alt = content.say("chart_trend_alt", lang, title=title, rows=rows, target=fmt(ita.target.default),
                      pass_mark=fmt(latest.grade.pass_mark) if latest.grade.pass_mark is not None else "-")
    return Chart("trend", alt, draw.TREND_SIZE, lambda: draw.trend(title, bars, lines))


def _indicators(content, year: int, lang: str) -> Chart | None:
    ita = content.ita
    if year not in ita.years or not ita.years[year].indicators:
        return None
    r = year_result(ita, year)
    bars = [draw.Bar(f"{i.number}. {i.name}", float(i.score)) for i in r.indicators]
    rows = ", ".join(content.say("chart_indicators_row", lang, number=i.number, name=i.name, score=fmt(i.score))
                     for i in r.indicators)
    title = content.say("chart_indicators_title", lang, year=year)
    alt = content.say("chart_indicators_alt", lang, title=title, rows=rows, target=fmt(ita.target.default),
                      pass_mark=fmt(r.grade.pass_mark) if r.grade.pass_mark is not None else "-")
    lines = _lines(content, year, lang)
    return Chart(f"indicators-{year}", alt, draw.INDICATORS_SIZE, lambda: draw.indicators(title, bars, lines))


def chart(content, name: str, lang: str = "th") -> Chart | None:
    """The named chart (described on first use, then cached; its picture is drawn when first fetched), or
    None for a name or year that has none."""
    match = NAME.match(name)
    if not match:
        return None
    key = (id(content), name, lang)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] is content:
            return cached[1]
        made = _trend(content, lang) if name == "trend" else _indicators(content, int(match.group(2)), lang)
        if made is not None:
            _cache[key] = (content, made)  # holding `content` keeps its id from being reused
        return made


def chart_image(services: Services, name: str, lang: str = "th") -> Image | None:
    """The chart as an Image reply: an absolute URL under PUBLIC_BASE_URL and the figures as alt text."""
    made = chart(services.content, name, lang)
    if made is None:
        return None
    url = f"{services.settings.public_base_url.rstrip('/')}/charts/{made.name}.png"
    return Image(url=url, preview_url=url, alt_text=made.alt_text)

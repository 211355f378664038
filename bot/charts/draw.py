"""Chart pictures drawn with Pillow: a year-by-year bar chart and an indicator bar chart, each against
the office's target and the pass mark. Pure: figures and texts in, PNG bytes out (no content, no I/O)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Sequence

from PIL import Image, ImageDraw

from bot.core.textcut import ELLIPSIS, words
from bot.fonts import BOLD_FONTS, REGULAR_FONTS, thai_font

TREND_SIZE = (1200, 800)
INDICATORS_SIZE = (1200, 1040)
BACKGROUND, INK, MUTED, GRID = "#FFFFFF", "#1F2937", "#6B7280", "#E5E7EB"
BAR, BAR_LOW, TARGET, PASS = "#1E5AA8", "#D9822B", "#0F8A6A", "#C2413B"


@dataclass(frozen=True)
class Bar:
    label: str  # under (trend) or beside (indicators) the bar
    value: float
    note: str = ""  # e.g. the level, drawn after the value


@dataclass(frozen=True)
class Lines:
    """The reference lines and their legend texts ("เป้าหมาย 90", "เกณฑ์ผ่าน 85")."""

    target: float | None
    target_label: str
    pass_mark: float | None
    pass_label: str


def fit(d: ImageDraw.ImageDraw, text: str, font, width: float) -> str:
    """The text, or as many whole words of it as fit in `width` pixels followed by "…"."""
    if d.textlength(text, font=font) <= width:
        return text
    kept = ""
    for word in words(text):
        if d.textlength(kept + word + ELLIPSIS, font=font) > width:
            break
        kept += word
    return kept.rstrip() + ELLIPSIS


def label(d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, font, colour: str, anchor: str) -> None:
    """Text on a white patch, so a reference line behind it never crosses the figure."""
    box = d.textbbox(xy, text, font=font, anchor=anchor)
    d.rectangle((box[0] - 6, box[1] - 3, box[2] + 6, box[3] + 3), fill=BACKGROUND)
    d.text(xy, text, font=font, fill=colour, anchor=anchor)


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def _scale(values: Sequence[float], lines: Lines) -> tuple[float, float]:
    """The axis: from a round number below the smallest figure to 100."""
    low = min([*values, *(v for v in (lines.target, lines.pass_mark) if v is not None)])
    return max(0.0, (int(low) // 10) * 10 - 10), 100.0


def _legend(d: ImageDraw.ImageDraw, x: int, y: int, lines: Lines, font) -> None:
    for colour, value, label in ((TARGET, lines.target, lines.target_label), (PASS, lines.pass_mark, lines.pass_label)):
        if value is None:
            continue
        d.line((x, y + 16, x + 40, y + 16), fill=colour, width=5)
        d.text((x + 50, y), label, font=font, fill=INK)
        x += 70 + int(d.textlength(label, font=font))


def trend(title: str, bars: Sequence[Bar], lines: Lines) -> bytes:
    """Vertical bars, one per year, value and level above each, target and pass mark across."""
    width, height = TREND_SIZE
    img = Image.new("RGB", TREND_SIZE, BACKGROUND)
    d = ImageDraw.Draw(img)
    big, mid, small = thai_font(BOLD_FONTS, 40), thai_font(BOLD_FONTS, 30), thai_font(REGULAR_FONTS, 26)
    d.text((60, 36), title, font=big, fill=INK)
    _legend(d, 60, 100, lines, small)
    left, right, top, bottom = 110, width - 60, 190, height - 90
    low, high = _scale([b.value for b in bars], lines)
    y_of = lambda v: bottom - (v - low) / (high - low) * (bottom - top)  # noqa: E731
    for tick in range(int(low), int(high) + 1, 10):
        y = y_of(tick)
        d.line((left, y, right, y), fill=GRID, width=2)
        d.text((left - 14, y), str(tick), font=small, fill=MUTED, anchor="rm")
    for colour, value in ((TARGET, lines.target), (PASS, lines.pass_mark)):
        if value is not None:
            d.line((left, y_of(value), right, y_of(value)), fill=colour, width=4)
    slot = (right - left) / max(1, len(bars))
    for n, bar in enumerate(bars):
        x0, x1 = left + n * slot + slot * 0.22, left + (n + 1) * slot - slot * 0.22
        colour = BAR_LOW if lines.pass_mark is not None and bar.value < lines.pass_mark else BAR
        d.rounded_rectangle((x0, y_of(bar.value), x1, bottom), radius=8, fill=colour)
        cx = (x0 + x1) / 2
        label(d, (cx, y_of(bar.value) - 44), f"{bar.value:.2f}", mid, INK, "mb")
        if bar.note:
            label(d, (cx, y_of(bar.value) - 8), bar.note, small, MUTED, "mb")
        d.text((cx, bottom + 16), bar.label, font=mid, fill=INK, anchor="mt")
    return _png(img)


def indicators(title: str, bars: Sequence[Bar], lines: Lines) -> bytes:
    """Horizontal bars, one per indicator (number and name on the left, score at the end)."""
    width, height = INDICATORS_SIZE
    img = Image.new("RGB", INDICATORS_SIZE, BACKGROUND)
    d = ImageDraw.Draw(img)
    big, mid, small = thai_font(BOLD_FONTS, 40), thai_font(BOLD_FONTS, 28), thai_font(REGULAR_FONTS, 25)
    d.text((50, 36), title, font=big, fill=INK)
    _legend(d, 50, 100, lines, small)
    left, right, top, bottom = 430, width - 150, 180, height - 60
    low, high = _scale([b.value for b in bars], lines)
    x_of = lambda v: left + (v - low) / (high - low) * (right - left)  # noqa: E731
    for tick in range(int(low), int(high) + 1, 10):
        x = x_of(tick)
        d.line((x, top - 10, x, bottom), fill=GRID, width=2)
        d.text((x, bottom + 8), str(tick), font=small, fill=MUTED, anchor="mt")
    for colour, value in ((TARGET, lines.target), (PASS, lines.pass_mark)):
        if value is not None:
            d.line((x_of(value), top - 10, x_of(value), bottom), fill=colour, width=4)
    slot = (bottom - top) / max(1, len(bars))
    for n, bar in enumerate(bars):
        y0, y1 = top + n * slot + slot * 0.18, top + (n + 1) * slot - slot * 0.18
        below = lines.target is not None and bar.value < lines.target
        d.rounded_rectangle((left, y0, x_of(bar.value), y1), radius=6, fill=BAR_LOW if below else BAR)
        cy = (y0 + y1) / 2
        d.text((left - 16, cy), fit(d, bar.label, small, left - 60), font=small, fill=INK, anchor="rm")
        label(d, (x_of(bar.value) + 12, cy), f"{bar.value:.2f}", mid, INK, "lm")
    return _png(img)

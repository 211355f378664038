"""Draws content/line/richmenu.png from content/line/richmenu.yaml: one tile per menu item, with an icon,
the label and a caption, in a Thai font (fonts-thai-tlwg). Run once after changing the menu:

    python -m bot.channels.richmenu_image [--content DIR] [--out FILE]

The PNG is committed, so the server itself never draws; Pillow's Raqm layout places Thai vowels and
tone marks correctly when libraqm is available (Pillow's wheels bundle it).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

from bot.config import ROOT
from bot.fonts import BOLD_FONTS, REGULAR_FONTS, thai_font

from .richmenu import RichMenuFile, Tile, load_rich_menu

BACKGROUND, CARD, INK, MUTED = "#EAF0F8", "#FFFFFF", "#16325C", "#5B6B82"
ICON_COLOURS = {"chart": "#1E5AA8", "phone": "#0F8A6A", "book": "#7A4BC2", "news": "#D9822B",
                "alert": "#C2413B", "search": "#1C8AA8"}


def draw_icon(d: ImageDraw.ImageDraw, kind: str, cx: int, cy: int, r: int) -> None:
    """A simple white glyph inside a coloured disc of radius r centred on (cx, cy)."""
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ICON_COLOURS.get(kind, INK))
    w, s = "white", r / 100  # glyphs are drawn on a 200 x 200 grid around the centre
    P = lambda x, y: (cx + x * s, cy + y * s)  # noqa: E731
    line = max(4, int(9 * s))
    if kind == "chart":
        for i, h in enumerate((40, 70, 100)):
            x = -48 + i * 36
            d.rounded_rectangle((*P(x, 45 - h), *P(x + 24, 45)), radius=int(4 * s), fill=w)
        d.line((*P(-58, 55), *P(58, 55)), fill=w, width=line)
    elif kind == "phone":
        d.rounded_rectangle((*P(-32, -58), *P(32, 58)), radius=int(12 * s), outline=w, width=line)
        d.line((*P(-12, -44), *P(12, -44)), fill=w, width=line)
        d.ellipse((*P(-7, 34), *P(7, 48)), fill=w)
    elif kind == "book":
        d.polygon([P(-60, -40), P(-4, -30), P(-4, 50), P(-60, 40)], outline=w, width=line)
        d.polygon([P(60, -40), P(4, -30), P(4, 50), P(60, 40)], outline=w, width=line)
        for y in (-12, 6, 24):
            d.line((*P(-48, y - 6), *P(-16, y)), fill=w, width=max(3, line // 2))
    elif kind == "news":
        d.rounded_rectangle((*P(-56, -48), *P(56, 48)), radius=int(8 * s), outline=w, width=line)
        d.rectangle((*P(-40, -32), *P(-4, 0)), fill=w)
        for y in (-28, -12, 14, 30):
            x0 = 6 if y < 0 else -40
            d.line((*P(x0, y), *P(40, y)), fill=w, width=max(3, line // 2))
    elif kind == "alert":
        d.polygon([P(0, -58), P(60, 48), P(-60, 48)], outline=w, width=line)
        d.line((*P(0, -22), *P(0, 16)), fill=w, width=line + 2)
        d.ellipse((*P(-6, 26), *P(6, 38)), fill=w)
    elif kind == "search":
        d.ellipse((*P(-50, -50), *P(22, 22)), outline=w, width=line + 2)
        d.line((*P(14, 14), *P(54, 54)), fill=w, width=line + 6)


def centred(d: ImageDraw.ImageDraw, text: str, cx: int, baseline: int, font, fill: str, max_width: int) -> None:
    """Draw `text` centred on x=cx with its baseline at `baseline` (so every tile lines up, whatever
    vowels sit above or below); shrinks the font to fit `max_width`."""
    while d.textlength(text, font=font) > max_width and getattr(font, "size", 10) > 20:
        font = font.font_variant(size=int(font.size * 0.92))
    d.text((cx, baseline), text, font=font, fill=fill, anchor="ms")


def draw_tile(d: ImageDraw.ImageDraw, tile: Tile, box: tuple[int, int, int, int], fonts: dict) -> None:
    x, y, w, h = box
    gap = 18
    d.rounded_rectangle((x + gap, y + gap, x + w - gap, y + h - gap), radius=48, fill=CARD,
                        outline="#D5DEEA", width=3)
    cx = x + w // 2
    radius = int(h * 0.17)
    icon_cy = y + int(h * 0.31)
    draw_icon(d, tile.icon, cx, icon_cy, radius)
    label_baseline = icon_cy + radius + int(h * 0.2)
    centred(d, tile.label, cx, label_baseline, fonts["label"], INK, w - 140)
    if tile.caption:
        centred(d, tile.caption, cx, label_baseline + int(h * 0.13), fonts["caption"], MUTED, w - 140)


def render(definition: RichMenuFile) -> Image.Image:
    image = Image.new("RGB", (definition.width, definition.height), BACKGROUND)
    d = ImageDraw.Draw(image)
    row_h = definition.height // definition.rows
    fonts = {"label": thai_font(BOLD_FONTS, int(row_h * 0.125)),
             "caption": thai_font(REGULAR_FONTS, int(row_h * 0.068))}
    for i, tile in enumerate(definition.tiles):
        draw_tile(d, tile, definition.bounds(i), fonts)
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="draw the LINE rich menu picture")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--out", type=Path, help="default: the image named in richmenu.yaml")
    args = parser.parse_args(argv)
    menu = load_rich_menu(args.content)
    out = args.out or menu.image_path
    render(menu.definition).save(out, "PNG", optimize=True)
    print(f"wrote {out} ({menu.definition.width}x{menu.definition.height})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Thai fonts for images the bot draws (the rich menu, chart pictures): fonts-thai-tlwg where installed,
fc-match as a fallback, Pillow's default font (no Thai glyphs, but no crash) as a last resort."""
from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

THAI_FONT_DIRS = [Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/opentype/tlwg")]
BOLD_FONTS = ("Loma-Bold.ttf", "Waree-Bold.ttf", "Garuda-Bold.ttf", "Loma-Bold.otf", "Waree-Bold.otf")
REGULAR_FONTS = ("Loma.ttf", "Waree.ttf", "Garuda.ttf", "Loma.otf", "Waree.otf")


def thai_font(names: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The first Thai font found; fc-match as a fallback; Pillow's default (no Thai) as a last resort."""
    for folder in THAI_FONT_DIRS:
        for name in names:
            if (folder / name).is_file():
                return ImageFont.truetype(str(folder / name), size)
    if shutil.which("fc-match"):
        style = "Bold" if "Bold" in names[0] else "Regular"
        found = subprocess.run(["fc-match", "-f", "%{file}", f":lang=th:style={style}"], capture_output=True,
                               text=True).stdout.strip()
        if found and Path(found).is_file():
            return ImageFont.truetype(found, size)
    log.warning("no Thai font found (install fonts-thai-tlwg); Thai text in images will not render")
    return ImageFont.load_default(size)

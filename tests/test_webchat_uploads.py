"""Attaching in the web chat (`POST /api/chat/upload`, `POST /api/chat/location`): a photo at the evidence
step is kept as LINE's is, cleaned of its EXIF; an oversized file is a 413, a wrong type a 415 with the
reporter's Thai text, a missing or forged token a 401 or 403; odd bodies get a 4xx, never a 500."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot.channels.webchat import TOKEN_HEADER
from bot.complaints import content as cc
from bot.complaints.models import Complaint, Evidence
from tests.complaint_helpers import code_in, without_web_floodgate

OWNER, MAKE, MODEL = "Somchai Jaidee", "Canon", "EOS 5D Mark IV"


def gps_photo(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG a phone could have taken: GPS position, camera make, model and owner in its EXIF."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0xA430] = MAKE, MODEL, OWNER
    exif.get_ifd(0x8825).update({1: "N", 2: (16.0, 26.0, 31.5), 3: "E", 4: (100.0, 20.0, 7.2)})
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the fixture really carries GPS
    return data


def assert_no_exif(stored: bytes) -> None:
    for tag in (OWNER, MAKE, MODEL):
        assert tag.encode() not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        exif = picture.getexif()
        assert picture.format == "JPEG" and not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0110 not in exif


def stored_evidence(services) -> list[tuple[Evidence, bytes]]:
    with services.db.session() as s:
        rows = list(s.scalars(select(Evidence)))
    return [(r, (Path(services.settings.evidence_dir) / r.path).read_bytes()) for r in rows]


class Visitor:
    """A web visitor: the page's token, sent as the page sends it."""

    def __init__(self, client):
        self.client = client
        self.token = client.get("/api/chat/history").get_json()["token"]

    def says(self, text: str) -> dict:
        resp = self.client.post("/api/chat", json={"text": text}, headers={TOKEN_HEADER: self.token})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()

    def uploads(self, data: bytes, name: str = "IMG_0001.jpg", mime: str = "image/jpeg", headers=None):
        return self.client.post("/api/chat/upload", data={"file": (io.BytesIO(data), name, mime)},
                                content_type="multipart/form-data",
                                headers={TOKEN_HEADER: self.token} if headers is None else headers)

    def at_evidence_step(self) -> "Visitor":
        self.says("แจ้งทุจริต")
        self.says("มีเจ้าหน้าที่เรียกรับเงิน 5,000 บาท เพื่อเร่งเรื่องย้าย")
        assert "หลักฐาน" in shown(self.says("เสร็จแล้ว"))
        return self


def shown(data: dict) -> str:
    return "\n".join(r.get("text", "") for r in data["replies"])


def with_limits(services, **limits) -> None:
    content = cc.of(services)
    services.complaints_content = content.model_copy(update={"limits": content.limits.model_copy(update=limits)})


def test_a_photo_at_the_evidence_step_is_kept_without_its_exif_and_filed_with_the_report(client, services):
    without_web_floodgate(services)
    visitor = Visitor(client).at_evidence_step()
    resp = visitor.uploads(gps_photo())
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "ได้รับหลักฐานแล้ว (1/5" in shown(resp.get_json())
    [(row, stored)] = stored_evidence(services)
    assert_no_exif(stored)
    assert row.kind == "image" and row.mime == "image/jpeg" and not row.may_carry_metadata
    for text in ("เสร็จแล้ว", "ไม่ระบุตัวตน"):
        visitor.says(text)
    code = code_in(shown(visitor.says("ยืนยันส่งเรื่อง")))
    with services.db.session() as s:
        complaint = s.scalar(select(Complaint).where(Complaint.code == code))
        assert s.scalar(select(Evidence.complaint_id)) == complaint.id
    history = client.get("/api/chat/history", headers={TOKEN_HEADER: visitor.token}).get_json()["replies"]
    assert {"role": "user", "text": "[ส่งรูปภาพ]"} in history  # the file itself is never in the history


def test_a_pdf_is_kept_as_a_file_without_its_metadata(client, services):
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": OWNER, "/Producer": MODEL})
    writer.write(out)
    visitor = Visitor(client).at_evidence_step()
    resp = visitor.uploads(out.getvalue(), "หลักฐาน.pdf", "application/pdf")
    assert resp.status_code == 200 and "ได้รับหลักฐานแล้ว (1/5" in shown(resp.get_json())
    [(row, stored)] = stored_evidence(services)
    assert row.kind == "file" and row.mime == "application/pdf" and stored.startswith(b"%PDF-")
    assert OWNER.encode() not in stored and MODEL.encode() not in stored


def test_a_location_from_the_browser_is_the_complaints_location(client, services):
    visitor = Visitor(client).at_evidence_step()
    resp = client.post("/api/chat/location", json={"latitude": 16.4419, "longitude": 100.3488},
                       headers={TOKEN_HEADER: visitor.token})
    assert resp.status_code == 200 and "บันทึกตำแหน่งที่เกิดเหตุแล้ว" in shown(resp.get_json())
    summary = shown(visitor.says("เสร็จแล้ว")) + shown(visitor.says("ไม่ระบุตัวตน"))
    assert "ตำแหน่ง" in summary


@pytest.mark.parametrize("body", [{"latitude": 91, "longitude": 100}, {"latitude": "16.4", "longitude": 100},
                                  {"latitude": True, "longitude": 100}, {"latitude": 16.4}, [16.4, 100], "x"])
def test_a_location_that_is_not_one_is_a_400_in_thai(client, body):
    visitor = Visitor(client)
    resp = client.post("/api/chat/location", json=body, headers={TOKEN_HEADER: visitor.token})
    assert resp.status_code == 400 and "ตำแหน่งไม่ถูกต้อง" in resp.get_json()["error"]


def test_an_oversized_file_is_a_413_with_the_reporters_text(client, services):
    with_limits(services, evidence_bytes=4000)
    visitor = Visitor(client).at_evidence_step()
    just_over = visitor.uploads(b"\xff\xd8\xff" + b"0" * 4000)  # the form fits the request cap; the file not
    assert just_over.status_code == 413 and "ใหญ่เกิน" in just_over.get_json()["error"]
    far_over = visitor.uploads(b"\xff\xd8\xff" + b"0" * 200_000)  # refused by its Content-Length, unread
    assert far_over.status_code == 413 and "ใหญ่เกิน" in far_over.get_json()["error"]
    assert stored_evidence(services) == []


def test_a_wrong_type_is_refused_in_thai_before_the_turn(client, services):
    visitor = Visitor(client).at_evidence_step()
    for data, name, mime in [(b"MZ\x90\x00 a program", "photo.jpg", "image/jpeg"),
                             (b"PK\x03\x04 a zip", "evidence.zip", "application/zip"),
                             (b"just text", "note.txt", "text/plain")]:
        resp = visitor.uploads(data, name, mime)
        assert resp.status_code == 415, (name, resp.get_data(as_text=True))
        refusal = resp.get_json()["error"]
        assert "ไฟล์ชนิดนี้รับไว้เป็นหลักฐานไม่ได้" in refusal and "ไฟล์ PDF" in refusal
    assert stored_evidence(services) == []


def test_uploads_need_the_visitors_token(client, services):
    visitor = Visitor(client).at_evidence_step()
    missing = visitor.uploads(gps_photo(), headers={})
    assert missing.status_code == 401 and "เปิดหน้าแชทใหม่" in missing.get_json()["error"]
    forged = visitor.uploads(gps_photo(), headers={TOKEN_HEADER: visitor.token[:-3] + "abc"})
    assert forged.status_code == 403 and "ไม่ถูกต้อง" in forged.get_json()["error"]
    located = client.post("/api/chat/location", json={"latitude": 16.4, "longitude": 100.3})
    assert located.status_code == 401
    claimed = client.post("/api/chat/upload?user_id=web-someone", headers={TOKEN_HEADER: visitor.token})
    assert claimed.status_code == 400
    form = {"user_id": "web-someone", "file": (io.BytesIO(gps_photo()), "a.jpg")}
    claimed = client.post("/api/chat/upload", data=form, content_type="multipart/form-data",
                          headers={TOKEN_HEADER: visitor.token})
    assert claimed.status_code == 400 and "รหัสผู้ใช้" in claimed.get_json()["error"]
    claimed = client.post("/api/chat/location", json={"latitude": 16.4, "longitude": 100.3, "user_id": "web-someone"},
                          headers={TOKEN_HEADER: visitor.token})
    assert claimed.status_code == 400 and "รหัสผู้ใช้" in claimed.get_json()["error"]
    assert stored_evidence(services) == []


def test_odd_upload_bodies_get_a_4xx_never_a_500(client):
    visitor = Visitor(client)
    auth = {TOKEN_HEADER: visitor.token}
    odd = [
        dict(json={"file": "not a file"}),
        dict(data=b"\x00\x01garbage", content_type="multipart/form-data; boundary=xyz"),
        dict(data=b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n",
             content_type="multipart/form-data; boundary=xyz"),
        dict(data=b"", content_type="multipart/form-data"),
        dict(data={"other": (io.BytesIO(b"\xff\xd8\xff"), "a.jpg")}, content_type="multipart/form-data"),
        dict(data={"file": (io.BytesIO(b""), "empty.jpg")}, content_type="multipart/form-data"),
        dict(data={"file": (io.BytesIO(b"\xff\xd8\xff\xe0 broken jpeg"), "a.jpg")}, content_type="multipart/form-data"),
        dict(data=b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\xff\xfe\x00.jpg\"\r\n"
                  b"Content-Type: \xff/\x00\r\n\r\n\x89PNG\r\n\x1a\nbroken\r\n--xyz--\r\n",
             content_type="multipart/form-data; boundary=xyz"),
    ]
    for kwargs in odd:
        resp = client.post("/api/chat/upload", headers=auth, **kwargs)
        assert 400 <= resp.status_code < 500 or resp.status_code == 200, (kwargs, resp.status_code)
        assert resp.is_json and resp.get_json().get("error") or resp.status_code == 200


def test_a_photo_outside_a_complaint_is_answered_and_not_kept(client, services):
    visitor = Visitor(client)
    resp = visitor.uploads(gps_photo())
    assert resp.status_code == 200 and "ร้องเรียน" in shown(resp.get_json())
    assert stored_evidence(services) == [] and not any(Path(services.settings.evidence_dir).rglob("*.jpg"))


def test_every_odd_body_posted_as_a_location_is_a_4xx(client, services):
    """The odd-body corpus of the web chat (tests/data/odd_bodies.jsonl), posted as a location."""
    from tests.test_odd_input import corpus, unstorable

    visitor = Visitor(client)
    statuses = {case: client.post("/api/chat/location", data=raw, content_type="application/json",
                                  headers={TOKEN_HEADER: visitor.token}).status_code for case, raw in corpus("web")}
    assert len(statuses) > 40 and {s for s in statuses.values() if s not in (400, 413)} == set()
    assert unstorable(services) == []


def test_the_pages_file_picker_offers_every_type_the_evidence_rules_take(client, services):
    """The office's evidence types (content/complaints.yaml), not a list of the page's own: a video or a
    voice note the rules take can be chosen from a phone's files too."""
    from bot.complaints import content as cc

    page = client.get("/chat").get_data(as_text=True)
    picker = re.search(r'id="pick-file"[^>]*accept="([^"]+)"', page).group(1).split(",")
    assert picker == list(cc.of(services).limits.evidence_types) and "video/mp4" in picker

"""The content documents staff can change, each the shape of one content/ file: its name, its file, its
schema (the one `bot content check` loads it with) and how a wrong field is told in Thai."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from bot.complaints.deadlines import HolidaysFile
from bot.content.models import NewsFile, Office, Procedure
from scoring.model import YearFile

from .answers_file import AnswersFile

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there: an import reads every file
PROCEDURE = re.compile(r"^procedures/([a-z0-9]+(?:-[a-z0-9]+)*)$")
ITA_YEAR = re.compile(r"^ita/(25\d\d|26\d\d|2700)$")
ANSWER = re.compile(r"^answers/(\d+)$")


@dataclass(frozen=True)
class Kind:
    title: str
    model: type[BaseModel]


FIXED = {
    "office": Kind("ข้อมูลติดต่อและเวลาทำการ", Office),
    "holidays": Kind("วันหยุดราชการ", HolidaysFile),
    "news": Kind("ข่าวประชาสัมพันธ์", NewsFile),
}


class UnknownDocument(LookupError):
    """No such document (a mistyped address)."""


def kind(document: str) -> Kind:
    if document in FIXED:
        return FIXED[document]
    if PROCEDURE.match(document):
        return Kind("คู่มือบริการ", Procedure)
    if ITA_YEAR.match(document):
        return Kind("ผล ITA ปี " + document.split("/")[1], YearFile)
    if ANSWER.match(document) or document == "answers/new":
        return Kind("คำตอบของสำนักงาน", AnswersFile.Answer)
    raise UnknownDocument(document)


def file_of(document: str) -> Path:
    """Where the document lives in a content directory (answers are all in answers.yaml)."""
    kind(document)
    if ANSWER.match(document):
        return Path("answers.yaml")
    return Path(document + ".yaml")


def plain(value):
    """YAML as parsed (dates, Decimals) → what JSON stores and YAML writes back the same."""
    if isinstance(value, dict):
        return {str(k) if isinstance(k, (date, datetime)) else k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def read(path: Path) -> dict | None:
    """A content file as stored in a revision; None when there is no such file."""
    if not path.is_file():
        return None
    return plain(yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) or {})


def dump(body: dict) -> str:
    return yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=120)


# --- Thai messages naming the field ------------------------------------------------------------------

FIELDS = {
    "phone": "เบอร์โทรศัพท์", "name": "ชื่อ", "name_en": "ชื่อภาษาอังกฤษ", "short_name": "ชื่อย่อ",
    "website": "เว็บไซต์", "address": "ที่อยู่", "text": "ข้อความ", "postcode": "รหัสไปรษณีย์",
    "hours": "เวลาทำการ", "opens": "เวลาเปิด", "closes": "เวลาปิด", "days": "วันทำการ",
    "holidays": "วันหยุด", "items": "รายการข่าว", "date": "วันที่", "title": "หัวข้อ", "body": "เนื้อหา",
    "url": "ลิงก์", "image_url": "ลิงก์รูปภาพ", "id": "รหัส", "summary": "สรุป", "steps": "ขั้นตอน",
    "documents": "เอกสาร", "fee": "ค่าธรรมเนียม", "time_limit": "ระยะเวลา", "channels": "ช่องทาง",
    "contact": "ติดต่อ", "responsible_group": "กลุ่มงานที่รับผิดชอบ", "short_title": "ชื่อปุ่ม",
    "question": "คำถาม", "answer": "คำตอบ", "examples": "ถามแบบอื่น", "link": "ลิงก์",
    "indicators": "ตัวชี้วัด", "score": "คะแนน", "published": "ผลที่ประกาศ", "total": "คะแนนรวม",
    "level": "ระดับ", "tools": "เครื่องมือ", "weight": "น้ำหนัก", "year": "ปี",
}
HINTS = {
    "opens": "ต้องเป็นเวลาแบบ 08:30", "closes": "ต้องเป็นเวลาแบบ 16:30", "postcode": "ต้องเป็นตัวเลข 5 หลัก",
    "id": "ใช้อักษรอังกฤษตัวเล็ก ตัวเลข และขีด (-) เช่น teacher-transfer", "url": "ต้องขึ้นต้นด้วย http:// หรือ https://",
}
REASONS = {
    "missing": "ต้องกรอก", "extra_forbidden": "ไม่มีช่องนี้ในแบบฟอร์ม", "string_pattern_mismatch": "รูปแบบไม่ถูกต้อง",
    "too_short": "ต้องมีอย่างน้อยหนึ่งรายการ", "string_too_short": "ต้องไม่เว้นว่าง",
    "string_too_long": "ยาวเกินกำหนด", "date_from_datetime_parsing": "วันที่ไม่ถูกต้อง", "date_parsing": "วันที่ไม่ถูกต้อง",
    "date_type": "วันที่ไม่ถูกต้อง", "decimal_parsing": "ต้องเป็นตัวเลข", "int_parsing": "ต้องเป็นจำนวนเต็ม",
    "less_than_equal": "มากเกินกำหนด", "greater_than_equal": "น้อยเกินกำหนด", "string_type": "ต้องเป็นข้อความ",
    "list_type": "ต้องเป็นรายการ", "dict_type": "รูปแบบไม่ถูกต้อง", "bool_type": "ต้องเป็น ใช่/ไม่ใช่",
}


def field_label(loc: tuple) -> str:
    path = ".".join(str(p) for p in loc)
    named = [FIELDS[p] for p in loc if isinstance(p, str) and p in FIELDS]
    return f"«{named[-1]}» ({path})" if named else f"«{path}»" if path else "ทั้งเอกสาร"


def thai_errors(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        last = next((p for p in reversed(loc) if isinstance(p, str)), "")
        reason = REASONS.get(err["type"], "")
        if err["type"] == "string_too_long":
            reason += f" (ไม่เกิน {err.get('ctx', {}).get('max_length')} ตัวอักษร)"
        if err["type"] in ("string_pattern_mismatch", "url_parsing") and last in HINTS:
            reason = f"{reason or 'รูปแบบไม่ถูกต้อง'}: {HINTS[last]}"
        if not reason:
            reason = f"ข้อมูลไม่ถูกต้อง ({err['msg'].removeprefix('Value error, ')})"
        lines.append(f"ช่อง {field_label(loc)}: {reason}")
    return lines


def schema_problems(document: str, body: dict | None) -> list[str]:
    """The document against its schema; [] when it fits."""
    if body is None:
        return []
    try:
        kind(document).model.model_validate(body)
    except ValidationError as exc:
        return thai_errors(exc)
    problems = []
    match = PROCEDURE.match(document)
    if match and body.get("id") != match.group(1):
        problems.append(f"ช่อง «รหัส» (id): ต้องเป็น {match.group(1)} ตามชื่อเอกสาร")
    match = ITA_YEAR.match(document)
    if match and str(body.get("year")) != match.group(1):
        problems.append(f"ช่อง «ปี» (year): ต้องเป็น {match.group(1)} ตามชื่อเอกสาร")
    return problems


def flat(body, prefix: str = "") -> dict[str, str]:
    """{"hours.opens": "08:30", "steps.1": "..."}: a document's fields one by one, for showing changes."""
    if isinstance(body, dict):
        return {k: v for key, value in body.items() for k, v in flat(value, f"{prefix}{key}.").items()}
    if isinstance(body, list):
        return {k: v for n, value in enumerate(body, 1) for k, v in flat(value, f"{prefix}{n}.").items()}
    return {prefix.rstrip("."): "" if body is None else str(body)}


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(the field in Thai and its path, was, becomes) for every field that differs."""
    old, new = flat(before or {}), flat(after or {})
    return [(_label(k), old.get(k, "")[:300], new.get(k, "")[:300]) for k in dict.fromkeys([*old, *new])
            if old.get(k) != new.get(k)]


def _label(path: str) -> str:
    named = [FIELDS[p] for p in path.split(".") if p in FIELDS]
    return f"{named[-1]} ({path})" if named else path

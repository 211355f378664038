"""An ITA year as staff enter it: the structure copied from the year before (tools, weights, indicators),
the indicator scores, and the published total and level. Every figure is computed by scoring/; a published
figure that the scores do not give is refused with both numbers (the rule of `ita add-year`)."""
from __future__ import annotations

from decimal import Decimal

from pydantic import ValidationError

from bot.office_answers.ita_years import TOLERANCE, _with
from scoring import ItaData, YearResult, year_result
from scoring.model import YearFile

from . import documents


def copied(data: ItaData, year: int) -> dict:
    """A new year's body: the latest year with indicators before it (else the latest), scores kept as a
    starting point, published figures left for staff to type."""
    with_indicators = sorted(y for y, f in data.years.items() if f.indicators and y < year) or \
        sorted(y for y, f in data.years.items() if f.indicators)
    base = data.years[with_indicators[-1]].model_dump(mode="json", exclude_defaults=True)
    keep = ("tools", "indicators")
    body = {"year": year, **{k: base[k] for k in keep if k in base}}
    body["indicators"] = [{k: i[k] for k in ("number", "name", "name_en", "tool", "score") if k in i}
                          for i in body.get("indicators", [])]
    body["published"] = {"total": "", "level": ""}
    return body


def computed(data: ItaData, body: dict) -> YearResult:
    """The year's figures by scoring/ (published figures ignored). Raises ValidationError."""
    draft = {**body, "published": {"total": "0", "level": "-"}}
    year_file = YearFile.model_validate(draft)
    return year_result(_with(data, year_file), year_file.year)


def figures(result: YearResult) -> dict:
    return {"total": str(result.total), "level": result.grade.level,
            "tools": {k: str(t.score.quantize(Decimal("0.01"))) for k, t in result.tools.items()}}


def disagreements(data: ItaData, body: dict) -> list[str]:
    """Thai lines, each with the published and the computed figure; [] when they agree."""
    try:
        result = computed(data, body)
    except ValidationError as exc:
        return documents.thai_errors(exc)
    published = body.get("published") or {}
    found = []
    try:
        total = Decimal(str(published.get("total", "")))
    except ArithmeticError:
        total = None
    if total is not None and abs(total - result.total) > TOLERANCE:
        found.append(f"ช่อง «คะแนนรวม» (published.total): คะแนนรวมที่ประกาศ {total} "
                     f"ไม่ตรงกับที่คำนวณจากคะแนนตัวชี้วัด {result.total}")
    level = str(published.get("level", "")).strip()
    if level and level != result.grade.level:
        found.append(f"ช่อง «ระดับ» (published.level): ระดับที่ประกาศ {level} "
                     f"ไม่ตรงกับที่คำนวณได้ {result.grade.level}")
    return found

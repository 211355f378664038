"""Summaries of a year's result: short and long Thai, English, and a structured form.

The structured form is the one contract for everything that draws figures (chat cards, console charts,
`python -m scoring report --json`); the texts are built from the same `YearResult`, never retyped.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from .compute import YearResult, r2

DIRECTION_TH = {"up": "เพิ่มขึ้น", "down": "ลดลง", "same": "เท่าเดิม"}
DIRECTION_TABLE_TH = {"up": "เพิ่ม", "down": "ลด", "same": "คงที่"}
DIRECTION_EN = {"up": "up", "down": "down", "same": "unchanged"}


def fmt(value: Decimal) -> str:
    return f"{r2(value):.2f}"


def ce(year: int) -> int:
    return year - 543


def pass_text_th(result: YearResult) -> str:
    g = result.grade
    if g.passed is None:
        return ""
    return f" ผ่านเกณฑ์ ({fmt(g.pass_mark)} คะแนน)" if g.passed else f" ยังไม่ผ่านเกณฑ์ ({fmt(g.pass_mark)} คะแนน)"


def change_text_th(result: YearResult) -> str:
    p = result.previous
    if p is None:
        return ""
    if p.direction == "same":
        return f" เท่ากับปี {p.year}"
    return f" {DIRECTION_TH[p.direction]} {fmt(abs(p.difference))} คะแนนจากปี {p.year} ({fmt(p.total)})"


def short_th(result: YearResult, office: str = "") -> str:
    who = f"ของ {office} " if office else ""
    return (f"ผล ITA ปี {result.year} {who}ได้ {fmt(result.total)} คะแนน ระดับ {result.grade.level}"
            f"{pass_text_th(result)}{change_text_th(result)}")


def long_th(result: YearResult, office: str = "") -> str:
    lines = [short_th(result, office)]
    if result.note:
        lines.append(f"หมายเหตุ: {result.note}")
    if result.tools:
        lines.append("คะแนนตามเครื่องมือ (หลังถ่วงน้ำหนัก):")
        for t in result.tools.values():
            lines.append(f"- {t.tool} {t.name} น้ำหนัก {t.weight}% ได้ {fmt(t.score)} คะแนน")
        s, w = result.strongest, result.weakest
        lines.append(f"ตัวชี้วัดที่ได้คะแนนสูงสุด: ตัวชี้วัดที่ {s.number} {s.name} {fmt(s.score)} คะแนน")
        lines.append(f"ตัวชี้วัดที่ได้คะแนนต่ำสุด: ตัวชี้วัดที่ {w.number} {w.name} {fmt(w.score)} คะแนน")
        below = result.below_target
        if below:
            lines.append("ตัวชี้วัดที่ยังต่ำกว่าเป้าหมาย: " + ", ".join(
                f"ตัวชี้วัดที่ {i.number} {i.name} {fmt(i.score)} (เป้าหมาย {fmt(i.target)})" for i in below))
    if result.national:
        n = result.national
        rel = {"up": "สูงกว่า", "down": "ต่ำกว่า", "same": "เท่ากับ"}[n.direction]
        gap = "" if n.direction == "same" else f" {fmt(abs(n.difference))} คะแนน"
        lines.append(f"{rel}ค่าเฉลี่ยระดับประเทศของ {n.offices} เขต ({fmt(n.score)} ระดับ {n.level}){gap}")
    return "\n".join(lines)


def english(result: YearResult, office: str = "") -> str:
    who = f" of {office}" if office else ""
    g = result.grade
    text = (f"ITA {result.year} ({ce(result.year)}){who}: {fmt(result.total)} points, level {g.level}"
            f" ({g.label_en})")
    if g.passed is not None:
        text += f", {'passed' if g.passed else 'not passed'} (pass mark {fmt(g.pass_mark)})"
    if result.previous:
        p = result.previous
        text += (f"; {DIRECTION_EN[p.direction]} {fmt(abs(p.difference))} from {p.year} ({fmt(p.total)})"
                 if p.direction != "same" else f"; unchanged from {p.year}")
    if result.tools:
        text += ". " + ", ".join(f"{t.tool} {fmt(t.score)}/{t.weight}" for t in result.tools.values())
        text += f". Strongest: {result.strongest.name_en} {fmt(result.strongest.score)}"
        text += f"; weakest: {result.weakest.name_en} {fmt(result.weakest.score)}"
    text += "."
    if result.note_en:
        text += f" Note: {result.note_en}"
    return text


def num(value: Decimal) -> float:
    return float(r2(value))


def structured(result: YearResult) -> dict[str, Any]:
    g = result.grade
    data: dict[str, Any] = {
        "year": result.year,
        "year_ce": ce(result.year),
        "total": num(result.total),
        "level": g.level,
        "level_en": g.label_en,
        "passed": g.passed,
        "pass_mark": num(g.pass_mark) if g.pass_mark is not None else None,
        "scale": g.scale_id,
        "detailed": result.detailed,
        "assessed_unit": result.assessed_unit,
        "note": result.note,
        "tools": {
            k: {"score": num(t.score), "weight": int(t.weight), "mean": num(t.mean), "name": t.name,
                "name_en": t.name_en, "indicators": list(t.indicators)}
            for k, t in result.tools.items()
        },
        "indicators": [
            {"number": i.number, "name": i.name, "name_en": i.name_en, "score": num(i.score), "level": i.level,
             "tool": i.tool, "rank": i.rank, "target": num(i.target), "below_target": i.gap_to_target < 0}
            for i in result.indicators
        ],
        "previous": None,
        "national": None,
    }
    if result.previous:
        p = result.previous
        data["previous"] = {"year": p.year, "total": num(p.total), "difference": num(p.difference),
                            "direction": p.direction, "direction_th": DIRECTION_TABLE_TH[p.direction]}
    if result.national:
        n = result.national
        data["national"] = {"offices": n.offices, "score": num(n.score), "level": n.level,
                            "difference": num(n.difference), "direction": n.direction}
    if result.indicators:
        data["strongest"] = result.strongest.number
        data["weakest"] = result.weakest.number
        data["below_target"] = [i.number for i in result.below_target]
    return data

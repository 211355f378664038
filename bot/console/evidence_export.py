"""The evidence pack as tables, written as CSV or as an Excel workbook (openpyxl): the same rows in both,
so a figure an office publishes from either is the same. A complaint count of zero is written as the ITA
asks, "ไม่มีเรื่องร้องเรียน", not a bare 0 (the JSON keeps numbers)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.content.evidence_items import SECTIONS

NONE = "ไม่มีเรื่องร้องเรียน"
NO_RATINGS = "ยังไม่มีผลประเมินความพึงพอใจ"


@dataclass
class Table:
    sheet: str  # an Excel sheet name: at most 31 characters
    title: str
    header: list[str]
    rows: list[list]


def complaints_or_none(n: int) -> int | str:
    return n if n else NONE


def _count_row(label: str, c: dict) -> list:
    if not c["total"]:
        return [label, NONE, "-", "-"]
    return [label, c["total"], c["completed"], c["in_progress"]]


def counts_text(c: dict) -> str:
    if not c["total"]:
        return NONE
    return (f"ทั้งหมด {c['total']} เรื่อง ดำเนินการแล้วเสร็จ {c['completed']} เรื่อง "
            f"อยู่ระหว่างดำเนินการ {c['in_progress']} เรื่อง")


def ratings_text(r: dict) -> str:
    return f"{r['count']} คำตอบ ค่าเฉลี่ย {r['mean']:.2f} จาก 5" if r["count"] else NO_RATINGS


def evidence_text(pack: dict, section: str) -> str:
    """One line saying what the pack shows for a section, for an item's row."""
    if section in ("corruption", "complaints"):
        return f"{SECTIONS[section]}: {counts_text(pack[section])}"
    if section in ("guideline", "channel"):
        page = pack["pages"][section]
        return f"{page['title']}: {page['url']}"
    if section == "contacts":
        c = pack["contacts"]
        return f"{c['name']} {c['address']} โทร {c['phone']} เว็บไซต์ {c['website']} ({c['hours']})"
    if section == "online":
        o = pack["online"]
        return (f"ตอบคำถามผ่านระบบอัตโนมัติ {o['bot_answers']} คำถาม · เรื่องร้องเรียนที่ยื่นออนไลน์ "
                f"{complaints_or_none(o['complaints_filed_online'])}"
                f"{' เรื่อง' if o['complaints_filed_online'] else ''} · สนทนากับเจ้าหน้าที่ {o['live_chats']} ครั้ง")
    return f"{SECTIONS['ratings']}: {ratings_text(pack['ratings'])}"


def _counts_table(pack: dict, key: str, sheet: str) -> Table:
    c = pack[key]
    rows = [_count_row(m["label"], m) for m in c["by_month"]]
    rows += [_count_row(q["label"], q) for q in c["by_quarter"]]
    rows += [_count_row(h["label"], h) for h in c["by_half"]]
    rows.append(_count_row(f"รวม {pack['period_th']}", c))
    return Table(sheet, f"{SECTIONS[key]} ช่วงเวลา {pack['period_th']} (สถานะ ณ วันที่ {pack['made_th']})",
                 ["ช่วงเวลา", "ทั้งหมด", "ดำเนินการแล้วเสร็จ", "อยู่ระหว่างดำเนินการ"], rows)


def tables(pack: dict) -> list[Table]:
    fy = f"ปีงบประมาณ พ.ศ. {pack['fiscal_year']}" if pack["fiscal_year"] else "-"
    about = [["หน่วยงาน", pack["office"]], ["ปีงบประมาณ", fy], ["ช่วงเวลา", pack["period_th"]],
             ["รายการข้อตามการประเมิน ITA ปี", pack["items_year"] or "-"], ["จัดทำเมื่อ", pack["made_th"]]]
    if pack["items_sample"]:
        about.append(["หมายเหตุ", "เลขข้อและชื่อข้อเป็นตัวอย่าง สำนักงานควรตรวจสอบกับคู่มือการประเมิน ITA ของปีนั้น"])
    items = [[i["number"], i["title"], i["needs"], "\n".join(evidence_text(pack, s) for s in i["answered_by"])]
             for i in pack["items"]]
    o, r = pack["online"], pack["ratings"]
    online = [["คำถามที่ระบบอัตโนมัติตอบ", o["bot_answers"]],
              ["เรื่องร้องเรียนที่ยื่นออนไลน์", complaints_or_none(o["complaints_filed_online"])],
              *[[f"เรื่องร้องเรียนที่ยื่นออนไลน์ทาง {name}", complaints_or_none(n)]
                for name, n in o["by_channel"].items()],
              ["การสนทนากับเจ้าหน้าที่ (ถาม-ตอบสด)", o["live_chats"]],
              ["ข้อความจากประชาชนในการสนทนา", o["citizen_messages"]],
              ["การสนทนาที่เจ้าหน้าที่ตอบแล้ว", o["answered"]],
              ["ค่ามัธยฐานเวลาที่เจ้าหน้าที่ตอบครั้งแรก (นาที)",
               o["median_minutes_to_answer"] if o["median_minutes_to_answer"] is not None else "-"]]
    a = r["about_complaints"]
    ratings = [["จำนวนคำตอบ", r["count"]],
               ["ค่าเฉลี่ย (จาก 5)", r["mean"] if r["count"] else NO_RATINGS],
               ["คะแนน (จาก 100)", r["score"] if r["count"] else "-"],
               ["ร้อยละที่พึงพอใจมากถึงมากที่สุด", r["satisfied_percent"] if r["count"] else "-"],
               *[[f"ให้ {n} คะแนน (คำตอบ)", k] for n, k in sorted(r["distribution"].items(), reverse=True)],
               ["ประเมินหลังยื่นหรือติดตามเรื่องร้องเรียน: จำนวนคำตอบ", a["count"]],
               ["ประเมินหลังยื่นหรือติดตามเรื่องร้องเรียน: ค่าเฉลี่ย (จาก 5)", a["mean"] if a["count"] else "-"]]
    return [
        Table("สรุป", f"หลักฐานประกอบการประเมิน ITA — {pack['office']}", ["รายการ", "ข้อมูล"], about),
        Table("รายการข้อ ITA", f"รายการข้อและหลักฐาน (ITA ปี {pack['items_year'] or '-'})",
              ["ข้อ", "หัวข้อ", "สิ่งที่ต้องแสดง", "หลักฐานจากระบบ"], items),
        _counts_table(pack, "corruption", "ร้องเรียนการทุจริต"),
        _counts_table(pack, "complaints", "ร้องเรียนทั่วไป"),
        Table("บริการออนไลน์และถาม-ตอบ", SECTIONS["online"], ["รายการ", "จำนวน"], online),
        Table("ความพึงพอใจ", SECTIONS["ratings"], ["รายการ", "ค่า"], ratings),
    ]


def to_csv(pack: dict) -> str:
    """The tables one after another, each under its title row, a blank row between them."""
    out = io.StringIO()
    w = csv.writer(out)
    for n, t in enumerate(tables(pack)):
        if n:
            w.writerow([])
        w.writerow([t.title])
        w.writerow(t.header)
        w.writerows(t.rows)
    return out.getvalue()


def to_xlsx(pack: dict) -> bytes:
    """One sheet a table: its title, a bold header, numbers kept as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for t in tables(pack):
        sheet = book.create_sheet(t.sheet[:31])
        sheet.append([t.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(t.header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in t.rows:
            sheet.append(row)
        widths = [max(len(str(v)) for v in [h, *(r[i] for r in t.rows)]) for i, h in enumerate(t.header)]
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = min(max(width + 2, 10), 70)
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

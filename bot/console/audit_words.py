"""Audit entries in Thai words naming what was done to what ("เปลี่ยนสถานะเรื่อง CR-… เป็น อยู่ระหว่าง
ดำเนินการ"), for the console's audit page; `python -m bot audit list` keeps the stored codes. An action
not listed here is shown as stored, so a new one is never hidden."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Callable

from bot.thaitime import thai_date

ROLES_TH = {"admin": "ผู้ดูแลระบบ", "staff": "เจ้าหน้าที่", "integrity": "หน่วยต่อต้านการทุจริต", "editor": "ผู้แก้ไขเนื้อหา"}
FORMATS_TH = {"csv": "CSV", "xlsx": "Excel", "html": "หน้าพิมพ์", "json": "JSON"}


def _span(detail: str) -> str:
    """'csv 2025-10-01..2026-10-01' (or 'cli csv …') → 'CSV ช่วง 1 ตุลาคม 2568 – 30 กันยายน 2569'."""
    parts = detail.split()
    by_cli = parts[:1] == ["cli"]
    parts = parts[1:] if by_cli else parts
    fmt = FORMATS_TH.get(parts[0], parts[0]) if parts else ""
    words = fmt
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)", parts[1]) if len(parts) > 1 else None
    if m:
        last = date.fromisoformat(m[2]) - timedelta(days=1)  # the pack's end is the day after its last
        words += f" ช่วง {thai_date(date.fromisoformat(m[1]))} – {thai_date(last)}"
    return words + (" ทางบรรทัดคำสั่ง" if by_cli else "")


def _number(detail: str, word: str) -> str:
    m = re.search(rf"{word} (\d+)", detail)
    return m[1] if m else detail


def _account(detail: str) -> str:
    m = re.fullmatch(r"(\S+) \((\w+)\)", detail)
    return f"{m[1]} ({ROLES_TH.get(m[2], m[2])})" if m else detail


def describe(entry: dict, status_label: Callable[[str], str]) -> str:
    """One sentence for an entry of `audit.entries` (action, complaint, detail)."""
    action, code, detail = entry["action"], entry.get("complaint") or "", entry.get("detail") or ""
    if action == "complaint_status":
        status, _, extra = detail.partition(" ")
        return (f"เปลี่ยนสถานะเรื่อง {code} เป็น {status_label(status)}"
                + (" พร้อมรูปผลการดำเนินการ" if extra == "+photo" else ""))
    words = {
        "complaint_viewed": f"เปิดดูเรื่อง {code}",
        "complaint_forbidden": f"พยายามเปิดเรื่อง {code} ซึ่งไม่มีสิทธิ์ดู (ระบบไม่ให้เปิด)",
        "complaint_forwarded": f"ส่งต่อเรื่อง {code} ไปยัง {detail}",
        "complaint_assigned": f"มอบหมายเรื่อง {code} ให้ {detail}",
        "complaint_note": f"เพิ่มบันทึกภายในในเรื่อง {code}",
        "evidence_viewed": f"เปิดดูไฟล์หลักฐานชิ้นที่ {detail} ของเรื่อง {code}",
        "evidence_exported": f"ส่งออกชุดหลักฐาน ITA {_span(detail)}",
        "broadcast_created": f"สร้างประกาศหมายเลข {detail}",
        "broadcast_sent": f"สั่งส่งประกาศหมายเลข {detail} ทันที",
        "broadcast_cancelled": f"ยกเลิกประกาศหมายเลข {detail}",
        "livechat_taken": f"รับการสนทนา #{detail} กับประชาชน",
        "livechat_ended": f"จบการสนทนา #{detail} กับประชาชน",
        "user_created": f"สร้างบัญชี {_account(detail)}",
        "user_created_console": f"สร้างบัญชี {detail} จากหน้าจัดการผู้ใช้",
        "user_disabled": f"ปิดบัญชี {detail}",
        "password_reset": f"ตั้งรหัสผ่านใหม่ให้บัญชี {detail}",
        "sign_in": "เข้าสู่ระบบ",
        "sign_in_failed": "เข้าสู่ระบบไม่สำเร็จ (รหัสผ่านไม่ถูกต้อง)",
        "sign_in_locked": "ถูกระงับการเข้าสู่ระบบชั่วคราว (ใส่รหัสผ่านผิดหลายครั้ง)",
        "sign_out": "ออกจากระบบ",
        "unanswered_answered": f"ตอบคำถามที่บอตยังตอบไม่ได้ กลุ่มที่ {_number(detail, 'group')} "
                               f"(คำตอบหมายเลข {_number(detail, 'answer')})",
        "unanswered_dismissed": f"ปัดตกคำถามที่บอตยังตอบไม่ได้ กลุ่มที่ {_number(detail, 'group')}",
        "office_answer_added": f"เพิ่มคำตอบหมายเลข {_number(detail, 'answer')} ทางบรรทัดคำสั่ง",
        "ita_year_added": "เพิ่มผล ITA ปี " + " คะแนนรวม ".join(detail.removeprefix("cli ").split(" total ")),
    }
    return words.get(action, " ".join(p for p in (action, code, detail) if p))

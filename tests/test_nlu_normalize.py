"""Normalisation: chat noise goes, meaning and tracking codes stay."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from bot.nlu.lexicon import load_lexicon  # noqa: E402
from bot.nlu.normalize import Normalizer, thai_marks  # noqa: E402

CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer(load_lexicon(CONTENT).normalize)


@pytest.mark.parametrize(
    "raw, expected",
    [
        # Thai digits
        ("ปี๒๕๖๔", "ปี2564"),
        ("ตัวชี้วัดที่ ๘", "ตัวชี้วัดที่ 8"),
        # particles at the end of a word, in many spellings
        ("ขอเบอร์โทรหน่อยครับ", "ขอเบอร์โทรหน่อย"),
        ("ได้กี่คะแนนคะ", "ได้กี่คะแนน"),
        ("ขอบคุณค่ะ", "ขอบคุณ"),
        ("ติดต่อยังไงคับ", "ติดต่อยังไง"),
        ("โอเคค้าบ", "โอเค"),
        ("ผลita ครัช", "ผลita"),
        ("ดีจ้า", "ดี"),
        ("ได้ไหมจ้ะ", "ได้ไหม"),
        ("ขอข้อมูลด้วยนะคะ", "ขอข้อมูลด้วย"),
        ("ทำไมอะ", "ทำไม"),
        ("เปิดกี่โมงฮะ", "เปิดกี่โมง"),
        ("ขอเบอร์ครับผมจะโทรไป", "ขอเบอร์ จะโทรไป"),
        ("hi ka", "hi"),
        ("ok krub", "ok"),
        # ... but never from inside a word
        ("คะแนน", "คะแนน"),
        ("เจ้าหน้าที่ เจ้า", "เจ้าหน้าที่ เจ้า"),
        ("คนร้องเรียนเยอะ", "คนร้องเรียนเยอะ"),
        ("การจัดจ้าง", "การจัดจ้าง"),
        ("alaska", "alaska"),
        # stretched letters and laughter
        ("ดีมากกกกก", "ดีมาก"),
        ("ขอบคุณครับบบบ", "ขอบคุณ"),
        ("ตลกมาก 55555", "ตลกมาก"),
        ("ฮ่าๆ 555+ ok", "ฮ่าๆ ok"),
        ("คณะกรรมการ", "คณะกรรมการ"),
        ("ได้ 95.55 คะแนน", "ได้ 95.55 คะแนน"),
        ("1000 บาท", "1000 บาท"),
        # English is lower-cased, emoji dropped, Thai typing fixed
        ("ITA Score 2021", "ita score 2021"),
        ("สวัสดีค่ะ 🙏😊", "สวัสดี"),
        ("เเบบวัด", "แบบวัด"),
        ("ค่่าน้ำหนัก", "ค่าน้ำหนัก"),
        # misspellings from content/nlu/normalize.yaml
        ("เบอโทรเขต", "เบอร์โทรเขต"),
        ("ขอเบอหน่อย", "ขอเบอร์หน่อย"),
        ("เบอร์โทร", "เบอร์โทร"),
        ("แจ้งทุจริด", "แจ้งทุจริต"),
        ("อยากร้องเรียร", "อยากร้องเรียน"),
        ("เวปไซต์เขต", "เว็บไซต์เขต"),
        # whitespace
        ("  ผล   ita  ", "ผล ita"),
        ("", ""),
    ],
)
def test_normalize(norm: Normalizer, raw: str, expected: str) -> None:
    assert norm(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ติดตาม pjt-7k2m-q9xd ครับ", "ติดตาม PJT-7K2M-Q9XD"),
        ("PJT-7K2M-Q9XD", "PJT-7K2M-Q9XD"),
        ("รหัส AAAA-1111-BBBB ค่ะ", "รหัส AAAA-1111-BBBB"),  # no "stretch" collapsing inside a code
        ("เรื่องเลขที่ab-๑๒๓๔-cd๕๖", "เรื่องเลขที่ AB-1234-CD56"),
    ],
)
def test_tracking_code_kept_intact(norm: Normalizer, raw: str, expected: str) -> None:
    assert norm(raw) == expected


def test_thai_marks_fix_encoding_not_letters() -> None:
    assert thai_marks("คํา") == "คำ"  # nikhahit + sara aa typed separately
    assert thai_marks("ท่ี") == "ที่"  # tone mark typed before the vowel
    assert thai_marks("ที่") == "ที่"


CHAT = st.text(alphabet=st.sampled_from(list("กขคงจดนบมรวสอะาิีุเแโไใ่้๊๋ัำ์ๆ ๑๒๕0123456789.-abKAZ?!🙏")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=CHAT)
def test_normalize_is_idempotent_and_clean(norm: Normalizer, text: str) -> None:
    once = norm(text)
    assert norm(once) == once
    assert once == once.strip() and "  " not in once
    assert not any(ch in once for ch in "๐๑๒๓๔๕๖๗๘๙🙏")

"""Entity extraction on normalised text: years, indicators, tools, levels, scores, codes, procedures,
complaint categories and news topics, with the numbers each pattern must NOT take."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from bot.nlu import tokenize  # noqa: E402
from bot.nlu.entities import EntityExtractor, Extraction  # noqa: E402
from bot.nlu.lexicon import load_lexicon  # noqa: E402
from bot.nlu.normalize import Normalizer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROCEDURES = ROOT / "tests" / "data" / "procedures"


@pytest.fixture(scope="module")
def extract():
    lexicon = load_lexicon(ROOT / "content", PROCEDURES)
    norm = Normalizer(lexicon.normalize)
    extractor = EntityExtractor(lexicon.entities, lexicon.procedures, norm, tokenize)

    def run(text: str) -> Extraction:
        return extractor.extract(norm(text))

    return run


@pytest.mark.parametrize(
    "text, year",
    [
        ("ita 2564", 2564),
        ("ผล ita ๒๕๖๔", 2564),
        ("ปี 64 ได้เท่าไร", 2564),
        ("ปี64ได้เท่าไร", 2564),
        ("พ.ศ.2564", 2564),
        ("พ.ศ. 2563", 2563),
        ("ita score 2021", 2564),
        ("ปีงบ 64", 2564),
        ("ปีงบประมาณ 63", 2563),
        ("ปีงบประมาณ พ.ศ. 2562", 2562),
        ("fy21", 2564),
        ("ตัวชี้วัดที่7ปี64ได้เท่าไร", 2564),
    ],
)
def test_year_forms(extract, text: str, year: int) -> None:
    assert extract(text).entities["year"] == year


@pytest.mark.parametrize(
    "text",
    [
        "ได้ 64 คะแนน",  # a bare two-digit number is not a year
        "โทร 056-990347",  # phone numbers hold no year
        "ปีที่ 7 ของการประเมิน",  # ordinal, not a year
        "ปีใหม่",
        "ได้ 85.25 คะแนน",
        "ค่าเฉลี่ย 225 เขต",
    ],
)
def test_no_year_from_other_numbers(extract, text: str) -> None:
    assert "year" not in extract(text).entities


def test_several_years_are_listed_in_order(extract) -> None:
    assert extract("เทียบปี 63 กับ 64").entities["years"] == [2563, 2564]
    assert extract("ปี 60-64").entities["years"] == [2560, 2564]
    assert extract("2560 ถึง 2564").entities["years"] == [2560, 2564]


@pytest.mark.parametrize(
    "text, relative",
    [("ปีที่แล้วได้เท่าไร", -1), ("ปีก่อน", -1), ("last year ita", -1), ("ปีนี้ได้เท่าไร", 0),
     ("ผลล่าสุด", 0), ("this year", 0), ("latest ita", 0)],
)
def test_relative_years_are_flagged_not_resolved(extract, text: str, relative: int) -> None:
    entities = extract(text).entities
    assert entities["relative_year"] == relative
    assert "year" not in entities


@pytest.mark.parametrize(
    "text, number",
    [
        ("ตัวชี้วัดที่ 8 ได้เท่าไร", 8),
        ("ตัวชี้วัดที่๘", 8),
        ("ตัวที่8", 8),
        ("indicator 8", 8),
        ("ข้อ 8 ได้กี่คะแนน", 8),
        ("ตัวชี้วัด ที่ 10", 10),
        ("การปรับปรุงระบบการทำงาน", 8),
        ("ปรับปรุงระบบงานได้กี่คะแนน", 8),
        ("การสื่อสารได้เท่าไร", 7),
        ("ประสิทธิภาพการสื่อสาร", 7),
        ("การเปิดเผยข้อมูล", 9),
        ("ป้องกันทุจริต", 10),
        ("แก้ไขปัญหาการทุจริต", 5),
        ("ใช้งบได้เท่าไหร่", 2),
        ("ทรัพย์สินราชการ", 4),
        ("การใช้อำนาจ", 3),
        ("คุณภาพการดำเนินงาน", 6),
        ("การปฏิบัติหน้าที่", 1),
        ("use of budget score", 2),
    ],
)
def test_indicator_by_number_or_name(extract, text: str, number: int) -> None:
    assert extract(text).entities["indicator"] == number


@pytest.mark.parametrize("text", ["ข้อ 20", "ตัวชี้วัดที่ 6.4", "ข้อ o20", "มี 10 ตัวชี้วัด"])
def test_no_indicator_out_of_range_or_subitem(extract, text: str) -> None:
    assert "indicator" not in extract(text).entities


@pytest.mark.parametrize(
    "text, tool",
    [
        ("iit คืออะไร", "IIT"),
        ("EIT ได้กี่คะแนน", "EIT"),
        ("oit น้ำหนักเท่าไร", "OIT"),
        ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน", "IIT"),
        ("ผู้มีส่วนได้ส่วนเสียภายนอกประเมินอะไร", "EIT"),
        ("แบบตรวจการเปิดเผยข้อมูลสาธารณะ", "OIT"),
    ],
)
def test_tool(extract, text: str, tool: str) -> None:
    assert extract(text).entities["tool"] == tool


def test_disclosure_alone_is_the_indicator_not_the_tool(extract) -> None:
    entities = extract("การเปิดเผยข้อมูลได้เท่าไร").entities
    assert entities["indicator"] == 9 and "tool" not in entities
    entities = extract("เปิดเผยข้อมูลสาธารณะคืออะไร").entities
    assert entities["tool"] == "OIT" and "indicator" not in entities


@pytest.mark.parametrize(
    "text, level",
    [("ระดับ AA คืออะไร", "AA"), ("เกรด B", "B"), ("ได้ a ไหม", "A"), ("aa ต้องได้กี่คะแนน", "AA"),
     ("ระดับ f หมายถึงอะไร", "F"), ("what does grade c mean", "C")],
)
def test_level(extract, text: str, level: str) -> None:
    assert extract(text).entities["level"] == level


@pytest.mark.parametrize("text", ["what is a level", "ita คืออะไร", "phone number of a school"])
def test_english_article_is_not_a_level(extract, text: str) -> None:
    assert "level" not in extract(text).entities


@pytest.mark.parametrize(
    "text, score",
    [("87.5 ได้ระดับอะไร", 87.5), ("ได้ 84.99 ผ่านไหม", 84.99), ("ถ้าได้ 90 คะแนนได้ระดับไหน", 90.0),
     ("74 คะแนนได้เกรดอะไร", 74.0), ("what grade is 86", 86.0)],
)
def test_score(extract, text: str, score: float) -> None:
    assert extract(text).entities["score"] == score


@pytest.mark.parametrize(
    "text",
    ["เปิด 8.30 น.", "ตัวชี้วัดที่ 8 ได้เท่าไร", "ita ปี 64", "ข้อ o20", "ค่าเฉลี่ย 225 เขต", "ตัวชี้วัดที่ 6.4"],
)
def test_no_score_from_times_years_or_indicators(extract, text: str) -> None:
    assert "score" not in extract(text).entities


@pytest.mark.parametrize(
    "text, code",
    [("PJT-7K2M-Q9XD", "PJT-7K2M-Q9XD"), ("ติดตามเรื่อง pjt-7k2m-q9xd ครับ", "PJT-7K2M-Q9XD"),
     ("เลขที่ A-0001-ZZ99", "A-0001-ZZ99")],
)
def test_code(extract, text: str, code: str) -> None:
    extraction = extract(text)
    assert extraction.entities["code"] == code
    assert "ⓒ" in extraction.masked and code not in extraction.masked


@pytest.mark.parametrize("text", ["ABCDE-1234-5678", "AB-123-4567", "056-990347"])
def test_not_a_code(extract, text: str) -> None:
    assert "code" not in extract(text).entities


@pytest.mark.parametrize(
    "text, procedure",
    [("ขอหนังสือรับรองเงินเดือนทำยังไง", "salary-certificate"), ("ผ่อนผันทหารใช้อะไรบ้าง", "military-deferment"),
     ("how to get a salary certificate", "salary-certificate"), ("ขอผ่อนผันการตรวจเลือกครับ", "military-deferment")],
)
def test_procedure_from_fixture_manuals(extract, text: str, procedure: str) -> None:
    assert extract(text).entities["procedure"] == procedure


def test_no_procedure_without_manuals() -> None:
    lexicon = load_lexicon(ROOT / "content", ROOT / "tests" / "data" / "no-such-dir")
    norm = Normalizer(lexicon.normalize)
    extractor = EntityExtractor(lexicon.entities, lexicon.procedures, norm, tokenize)
    assert lexicon.procedures == []
    assert "procedure" not in extractor.extract(norm("ผ่อนผันทหาร")).entities


@pytest.mark.parametrize(
    "text, category",
    [
        ("เจ้าหน้าที่เรียกรับเงิน", "corruption"),
        ("แจ้งทุจริต", "corruption"),
        ("ต้องจ่ายเงินใต้โต๊ะ", "corruption"),
        ("มีการติดสินบน", "corruption"),
        ("เจ้าหน้าที่พูดจาไม่ดี", "staff_conduct"),
        ("พนักงานไม่สุภาพ", "staff_conduct"),
        ("บริการช้ามาก", "service"),
        ("ร้องเรียนโรงเรียน", "school"),
        ("ครูในสถานศึกษาทำโทษเด็ก", "school"),
        ("เจ้าหน้าที่หยาบคายแล้วยังเรียกรับเงิน", "corruption"),  # the first category in the file wins
    ],
)
def test_complaint_category(extract, text: str, category: str) -> None:
    assert extract(text).entities["category"] == category


@pytest.mark.parametrize(
    "text, topic",
    [("ข่าวลูกเสือ", "ลูกเสือ"), ("มีข่าวจิตอาสาไหม", "จิตอาสา"), ("ข่าวสัมมนาครู", "สัมมนา"),
     ("ข่าวการอบรมล่าสุด", "อบรม"), ("ข่าวกีฬาสีล่าสุด", "กีฬาสี"), ("ข่าวแข่งหุ่นยนต์", "แข่งหุ่นยนต์")],
)
def test_news_topic(extract, text: str, topic: str) -> None:
    assert extract(text).entities["topic"] == topic


@pytest.mark.parametrize("text", ["ข่าวล่าสุด", "ข่าวล่าสุดของ สพม.พิจิตร", "มีข่าวอะไรใหม่บ้าง", "ข่าวประชาสัมพันธ์"])
def test_no_topic_in_latest_news(extract, text: str) -> None:
    assert "topic" not in extract(text).entities


def test_weak_oit_item(extract) -> None:
    extraction = extract("ข้อ O20 คืออะไร")
    assert extraction.entities["item"] == "O20"
    assert "indicator" not in extraction.entities


def test_mask_replaces_values_with_slots(extract) -> None:
    assert extract("ita ปี 64 ได้กี่คะแนน").masked == "ita ปี ⓨ ได้กี่คะแนน"
    assert extract("87.5 ได้ระดับอะไร").masked == "ⓢ ได้ระดับอะไร"
    assert extract("ตัวชี้วัดที่ 8").masked == "ตัวชี้วัดที่ ⓘ"
    assert extract("โทร 056-990347").masked == "โทร ⓝ - ⓝ"

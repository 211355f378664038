"""Satisfaction feedback: the conversation, and its EIT-like summary in scoring/."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.feedback.models import Feedback
from bot.feedback.offer import offer
from bot.core.messages import QuickReply, Text
from scoring import feedback as scoring
from tests.complaint_helpers import Person, buttons, said  # noqa: F401
from tests.complaint_helpers import sqlite_only as database_url  # noqa: F401


def feedback_rows(services) -> list[Feedback]:
    with services.db.session() as s:
        return list(s.scalars(select(Feedback).order_by(Feedback.id)))


def test_rating_then_a_suggestion(bot, services):
    p = Person(bot, "U-fb")
    p.says("เบอร์โทรสำนักงาน")
    ask = p.says("ประเมินความพึงพอใจ")
    assert "1 (น้อยที่สุด) ถึง 5 (มากที่สุด)" in said(ask)
    assert buttons(ask)[:5] == ["5 มากที่สุด", "4 มาก", "3 ปานกลาง", "2 น้อย", "1 น้อยที่สุด"]
    assert "กรุณาเลือกคะแนน" in said(p.says("อืม"))
    comment = p.says("4 มาก")
    assert "ขอบคุณสำหรับคะแนน 4" in said(comment) and buttons(comment) == ["คำชม", "ข้อเสนอแนะ", "ไม่มี"]
    [row] = feedback_rows(services)  # the rating is kept at once
    assert (row.rating, row.comment, row.channel, row.topic) == (4, None, "line", "contact.phone")
    assert "พิมพ์ข้อเสนอแนะ" in said(p.says("ข้อเสนอแนะ"))
    assert "ขอบคุณสำหรับความคิดเห็น" in said(p.says("อยากให้มีเบอร์ติดต่อกลุ่มงานโดยตรงค่ะ"))
    [row] = feedback_rows(services)
    assert (row.kind, row.comment) == ("suggestion", "อยากให้มีเบอร์ติดต่อกลุ่มงานโดยตรงค่ะ")


@pytest.mark.parametrize("typed,rating", [("๕", 5), ("ให้ 3 คะแนน", 3), ("⭐⭐", 2), ("1 น้อยที่สุด", 1)])
def test_ratings_typed_in_many_ways(bot, services, typed, rating):
    p = Person(bot, "U-typed")
    p.says("ให้คะแนนความพึงพอใจ")
    p.says(typed)
    assert "ขอบคุณสำหรับความคิดเห็น" in said(p.says("ไม่มี"))
    assert [(r.rating, r.comment) for r in feedback_rows(services)] == [(rating, None)]


def test_a_comment_typed_straight_away_and_limits(bot, services):
    p = Person(bot, "U-comment")
    p.says("ประเมินความพึงพอใจ")
    p.says("5")
    assert "ยาวเกิน 1000" in said(p.says("ดี" * 600))
    p.says("เจ้าหน้าที่ให้คำแนะนำดีมาก")
    assert [(r.kind, r.comment) for r in feedback_rows(services)] == [("comment", "เจ้าหน้าที่ให้คำแนะนำดีมาก")]


def test_cancel_before_rating_saves_nothing(bot, services):
    p = Person(bot, "U-cancel-fb")
    p.says("ประเมินความพึงพอใจ")
    assert "ยกเลิกการประเมินแล้ว" in said(p.says("ยกเลิก"))
    assert feedback_rows(services) == []


def test_the_feedback_button_is_offered_after_an_answer(services):
    answer = [Text("คำตอบ", (QuickReply("เมนู", "เมนู"),))]
    offered = offer(services, answer)
    assert [q.label for q in offered[-1].quick_replies] == ["เมนู", "ประเมินความพึงพอใจ"]
    assert offer(services, offered) == offered and offer(services, []) == []


@dataclass
class Row:
    rating: int
    created_at: datetime
    kind: str | None = None


def test_summary_like_eit_perception():
    t = lambda m, d=1: datetime(2024, m, d, 5, tzinfo=timezone.utc)  # noqa: E731
    rows = [Row(5, t(1)), Row(4, t(1), "praise"), Row(3, t(2)), Row(5, t(2), "suggestion"), Row(1, t(3)),
            Row(5, datetime(2023, 12, 31, 18, tzinfo=timezone.utc))]  # 1 January 2024 in Thailand
    s = scoring.summarise(rows, year=2024)  # Common Era: bot.thaitime reads what people type
    assert s["count"] == 6 and s["mean"] == 3.83 and s["score"] == 70.75
    assert s["satisfied_percent"] == 66.67
    assert s["distribution"] == {1: 1, 2: 0, 3: 1, 4: 1, 5: 3}
    assert s["by_month"] == [{"month": "2024-01", "count": 3, "mean": 4.67},
                             {"month": "2024-02", "count": 2, "mean": 4.0},
                             {"month": "2024-03", "count": 1, "mean": 1.0}]
    assert s["comments"] == {"praise": 1, "suggestion": 1}
    assert "3.83 จาก 5" in scoring.short_th(s)
    assert scoring.summarise([])["mean"] is None and "ยังไม่มี" in scoring.short_th(scoring.summarise([]))
    assert scoring.summarise(rows, year=2023)["count"] == 0
    with pytest.raises(ValueError, match="not a Common Era year"):
        scoring.summarise(rows, year=2567)  # never read as 2567 CE: an empty summary would look like no feedback

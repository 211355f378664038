"""When a flow ends (a complaint filed or cancelled, a rating thanked) the person is not left without
buttons: the main menu comes with the last message."""
from __future__ import annotations

from tests.complaint_helpers import Person, buttons


def test_after_filing_or_cancelling_a_complaint_the_menu_is_offered(bot, content):
    menu = [q.text for q in content.quick_replies("menu")]
    filed = Person(bot, "U-menu-filed").files_anonymous_corruption(image=False)
    assert "รหัสติดตามเรื่อง" in filed.replies[-1].text and buttons(filed) == menu
    p = Person(bot, "U-menu-cancel")
    p.says("ร้องเรียน")
    assert buttons(p.says("ยกเลิก")) == menu

"""The console pages where an editor changes what the bot knows: a wrong field is shown in Thai by name,
a preview answers as the chat would, publishing and reverting are audited, an ITA year whose published
total the scores do not give is refused with both numbers, and an editor never sees a complaint."""
from __future__ import annotations

import re

import pytest

from bot.charts import chart
from bot.console import people
from tests.console_helpers import PASSWORD, console_app, post, signed_in  # noqa: F401
from tests.office_helpers import ask
from tests.test_console_inbox import file_service_complaint

SCORES = {n: s for n, s in enumerate((90, 91, 92, 93, 94, 95, 96, 97, 98, 99))}  # IIT 27.60 + EIT 28.80 + OIT 39.40


@pytest.fixture
def editor(console_app, services):
    people.create(services, "editor", "editor", PASSWORD)
    return signed_in(console_app, "editor")


def office_form(client, **changes) -> dict:
    page = client.get("/console/content/office").get_data(as_text=True)
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    values.update(address_text=re.search(r'name="address_text"[^>]*>([^<]*)<', page).group(1),
                  hours_text=re.search(r'name="hours_text"[^>]*>([^<]*)<', page).group(1),
                  days=re.findall(r'name="days" value="(\w+)" checked', page))
    values.pop("csrf", None)
    return {**values, **changes}


def test_an_editor_changes_content_but_never_sees_a_complaint(editor, console_app, bot):
    code = file_service_complaint(bot, "U-editor-1", "ขอเอกสารรับรองมาสามสัปดาห์ยังไม่ได้")
    home = editor.get("/console/content/").get_data(as_text=True)
    assert "ข้อมูลติดต่อและเวลาทำการ" in home and "ผู้แก้ไขเนื้อหา" in home
    assert "เรื่องร้องเรียน" not in home  # not even in the menu
    assert editor.get("/console/complaints/").status_code == 403
    assert editor.get(f"/console/complaints/{code}").status_code == 403
    assert editor.get("/console/evidence").status_code == 403
    assert editor.get("/console/complaints/stats").status_code == 403
    assert editor.get("/console/unanswered/").status_code == 200
    staff = signed_in(console_app, "staff")
    assert staff.get("/console/content/").status_code == 403


def test_a_wrong_field_is_named_in_thai_and_nothing_is_stored(editor, services):
    response = post(editor, "/console/content/office", office_form(editor, opens="8 โมง"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "ช่อง «เวลาเปิด» (hours.opens): รูปแบบไม่ถูกต้อง: ต้องเป็นเวลาแบบ 08:30" in page
    assert 'value="8 โมง"' in page  # what was typed stays to be corrected
    response = post(editor, "/console/content/office", office_form(editor, phone=""))
    assert "ช่อง «เบอร์โทรศัพท์» (phone): ต้องไม่เว้นว่าง" in response.get_data(as_text=True)
    from sqlalchemy import text

    with services.db.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM content_revision")).scalar() == 0


def test_preview_publish_revert_and_the_audit_names_both(editor, console_app, services, bot):
    old = services.content.office.phone
    response = post(editor, "/console/content/office", office_form(editor, phone="045-777888"))
    assert response.status_code == 303
    preview = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "045-777888" in preview and f"<del>{old}</del>" in preview  # the change, and the chat's answer
    assert old in ask(bot, "เบอร์โทรสำนักงาน")  # not yet published
    publish = re.search(r'action="(/console/content/drafts/\d+/publish)"', preview).group(1)
    assert post(editor, publish, {"reason": ""}).status_code == 303  # a reason is asked for
    assert post(editor, publish, {"reason": "เปลี่ยนเบอร์ตามประกาศ"}).status_code == 303
    assert "045-777888" in ask(bot, "เบอร์โทรสำนักงาน", user="U-after")
    history = editor.get("/console/content/history?document=office").get_data(as_text=True)
    assert "เปลี่ยนเบอร์ตามประกาศ" in history and "ใช้อยู่" in history
    revert = re.search(r'action="(/console/content/revisions/\d+/revert)"', history).group(1)
    assert post(editor, revert).status_code == 303
    assert old in ask(bot, "เบอร์โทรสำนักงาน", user="U-reverted")
    audit = signed_in(console_app, "admin").get("/console/audit").get_data(as_text=True)
    assert "content_published" in audit and "content_reverted" in audit
    assert "ข้อมูลติดต่อและเวลาทำการ · แก้ไขครั้งที่" in audit and "เปลี่ยนเบอร์ตามประกาศ" in audit


def test_a_new_answer_with_a_link_is_previewed_and_answers_rewordings(editor, bot):
    response = post(editor, "/console/content/answers/new", {
        "question": "สำนักงานมีห้องละหมาดไหม", "answer": "มีห้องละหมาดที่ชั้น 2 อาคาร 1",
        "examples": "ห้องละหมาดอยู่ตรงไหน", "link": "https://example.org/map"})
    assert response.status_code == 303
    preview = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "มีห้องละหมาดที่ชั้น 2" in preview and "https://example.org/map" in preview
    publish = re.search(r'action="(/console/content/drafts/\d+/publish)"', preview).group(1)
    post(editor, publish, {"reason": "ประชาชนถามบ่อย"})
    assert "มีห้องละหมาดที่ชั้น 2" in ask(bot, "มีห้องละหมาดหรือเปล่าคะ")
    response = post(editor, "/console/content/answers/new", {"question": "x", "answer": "y", "link": "ftp://x"})
    assert "ช่อง «ลิงก์» (link): รูปแบบไม่ถูกต้อง" in response.get_data(as_text=True)


def test_holidays_are_edited_with_buddhist_era_dates(editor, services):
    response = post(editor, "/console/content/holidays", {"count": "0", "h0_d": "31", "h0_m": "12",
                                                          "h0_y": "2570", "name0": "วันสิ้นปี"})
    assert response.status_code == 303
    preview = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "31 ธันวาคม 2570" in preview and "วันสิ้นปี" in preview
    response = post(editor, "/console/content/holidays", {"count": "0", "h0_d": "31", "h0_m": "2",
                                                          "h0_y": "2570", "name0": "ไม่มีจริง"})
    assert response.status_code == 400 and "แถวที่ 1 ช่อง «วันที่»" in response.get_data(as_text=True)


def test_a_new_ita_year_is_computed_live_and_a_disagreeing_total_is_refused(editor, services, bot):
    form = editor.get("/console/content/ita/new?year=2565").get_data(as_text=True)
    assert 'name="score_9"' in form and 'name="weight_OIT"' in form  # the structure of the year before
    data = {"key": "new", "year": "2565", **{f"score_{n}": str(s) for n, s in SCORES.items()}}
    computed = post(editor, "/console/content/ita/compute", {**data, "published_total": "95.00"}).get_json()
    assert computed["total"] == "95.80" and computed["level"] == "AA"
    assert computed["problems"] == [("ช่อง «คะแนนรวม» (published.total): คะแนนรวมที่ประกาศ 95.00 "
                                     "ไม่ตรงกับที่คำนวณจากคะแนนตัวชี้วัด 95.80")]
    refused = post(editor, "/console/content/ita/new", {**data, "published_total": "95.00", "published_level": "AA"})
    assert refused.status_code == 400 and "95.00" in refused.get_data(as_text=True) and \
        "95.80" in refused.get_data(as_text=True)
    accepted = post(editor, "/console/content/ita/new", {**data, "published_total": "95.80", "published_level": "AA"})
    preview = editor.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "95.80" in preview
    publish = re.search(r'action="(/console/content/drafts/\d+/publish)"', preview).group(1)
    post(editor, publish, {"reason": "ผลประเมินปี 2565 ประกาศแล้ว"})
    assert "95.80" in ask(bot, "ITA ปี 2565 ได้กี่คะแนน")
    assert "2565 ได้ 95.80 (AA)" in chart(services.content, "trend").alt_text  # the trend chart has it


def test_a_manual_and_a_news_item_are_edited_previewed_and_published(editor, bot):
    page = editor.get("/console/content/procedures/teacher-transfer").get_data(as_text=True)
    steps = re.search(r'name="steps"[^>]*>([^<]*)<', page).group(1).splitlines()
    form = {name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
            for name in ("title", "short_title", "fee", "time_limit", "contact")}
    form.update(steps="\n".join([*steps, "รับคำสั่งย้ายทางอีเมลของสถานศึกษา"]), summary="ย้ายครูผ่านระบบ TRS",
                responsible_group=re.search(r"<option selected>([^<]*)<", page).group(1),
                channels="ยื่นออนไลน์ผ่านระบบ TRS")
    response = post(editor, "/console/content/procedures/teacher-transfer", form)
    assert response.status_code == 303, response.get_data(as_text=True)
    preview = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "รับคำสั่งย้ายทางอีเมลของสถานศึกษา" in preview  # among the changes, and in the chat's answer
    post(editor, re.search(r'action="(/console/content/drafts/\d+/publish)"', preview).group(1), {"reason": "ขั้นตอนใหม่"})
    assert "ย้ายครูผ่านระบบ TRS" in ask(bot, "ขั้นตอนการขอย้ายข้าราชการครู")

    response = post(editor, "/console/content/news/new", {
        "id": "sports-2026-12", "date_d": "5", "date_m": "12", "date_y": "2569", "title": "กีฬาสีสำนักงานประจำปี",
        "body": "ขอเชิญร่วมกีฬาสีที่สนามกลาง"})
    preview = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "กีฬาสีสำนักงานประจำปี" in preview
    post(editor, re.search(r'action="(/console/content/drafts/\d+/publish)"', preview).group(1), {"reason": "ข่าวใหม่"})
    assert "กีฬาสีสำนักงานประจำปี" in ask(bot, "ข่าวล่าสุด")


def test_odd_input_gets_a_clear_4xx(editor):
    assert editor.get("/console/content/answers/abc").status_code == 404
    assert editor.get("/console/content/answers/999").status_code == 404
    assert editor.get("/console/content/procedures/Not_An_Id").status_code == 404
    assert editor.get("/console/content/news/nope").status_code == 404
    assert editor.get("/console/content/ita/1234").status_code == 404
    assert editor.get("/console/content/ita/new?year=abc").status_code == 200
    assert editor.get("/console/content/drafts/999").status_code == 404
    assert post(editor, "/console/content/revisions/999/revert").status_code == 404
    assert post(editor, "/console/content/holidays", {"count": "x"}).status_code in (303, 400)
    assert post(editor, "/console/content/ita/compute", {"key": "abc"}).status_code == 404


def test_a_year_added_on_the_command_line_is_edited_in_the_console(editor, services, bot):
    from bot.office_answers import ita_years

    with services.db.session() as s:
        scores = ita_years.parse_scores(",".join(f"{n + 1}={v}" for n, v in SCORES.items()))
        ita_years.store(s, ita_years.new_year(services.content.ita, 2565, scores)[0])
    form = editor.get("/console/content/ita/2565")
    assert form.status_code == 200 and 'value="99' in form.get_data(as_text=True)
    data = {"key": "2565", "year": "2565", **{f"score_{n}": str(s) for n, s in SCORES.items()}, "score_9": "89",
            "published_total": "93.80", "published_level": "A"}
    preview = editor.get(post(editor, "/console/content/ita/2565", data).headers["Location"]).get_data(as_text=True)
    post(editor, re.search(r'action="(/console/content/drafts/\d+/publish)"', preview).group(1), {"reason": "แก้คะแนน"})
    assert "93.80" in ask(bot, "ITA ปี 2565 ได้กี่คะแนน")

"""Issue #27, the understanding parts: services reached by situation and through typos, questions about
another office's work, follow-ups on the last answer (a manual's fee and channels, why a year moved, a year
that must not stick, a breakdown the report lacks, how many), and answers that answer (an event's person,
date or place first, the whole passage one tap away, the report's misprints corrected). Conversations
through the channel-neutral core, as a person types them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.messages import Incoming, visible_text
from bot.nlu.evaluate import main_eval

content = pytest.mark.content


class Chat:
    def __init__(self, bot, user: str = "u27", channel: str = "web"):
        self.bot, self.user, self.channel = bot, user, channel
        self.last = None

    def say(self, text: str) -> str:
        self.last = self.bot.respond(Incoming(self.channel, self.user, text))
        return "\n".join(p for r in self.last.replies for p in visible_text(r))

    @property
    def buttons(self) -> list:
        return [q for r in self.last.replies for q in r.quick_replies]


SALARY = "การขอหนังสือรับรองเงินเดือนและหนังสือรับรองการเป็นข้าราชการ"


# -- services by situation, typos, another office's work --------------------------------------------------

@content
@pytest.mark.parametrize("text, title", [
    ("หนังสือรับรองเงนเดือนขอที่ไหนครับ", SALARY),  # a letter dropped from the manual's own keyword
    ("ธนาคารให้เอาเอกสารรับรองรายได้ไปยื่นกู้ ต้องทำยังไง", SALARY),  # the purpose, not the title
    ("จะไปเที่ยวเกาหลีช่วงปิดเทอม ครูต้องขออนุญาตก่อนไหม", "การขออนุญาตเดินทางไปต่างประเทศ"),
    ("ครูจะลาไปประชุมวิชาการที่สิงคโปร์ต้องทำหนังสือไหม", "การขออนุญาตเดินทางไปต่างประเทศ"),
    ("อยากย้ายไปสอนใกล้ภรรยาที่อยู่จังหวัดอื่น", "การขอย้ายข้าราชการครู"),
    ("ผลประเมินวิทยฐานะจะรู้ตอนไหน", "การขอมีวิทยฐานะและเลื่อนวิทยฐานะ"),  # "ประเมิน" is ITA's word too
    ("ขอข้อมูลจัดซื้อจัดจ้างย้อนหลังได้ไหม", "การขอข้อมูลข่าวสารของราชการ"),  # and "ข้อมูล"
])
def test_a_situation_or_a_slip_reaches_the_manual(bot, text, title):
    chat = Chat(bot)
    answer = chat.say(text)
    assert chat.last.intent == "procedure.detail" and answer.startswith(title)  # the manual, not the list
    assert "ผลการประเมิน ITA" not in answer


@content
def test_another_offices_work_is_said_plainly_with_who_does_it(bot):
    answer = Chat(bot).say("ใบประกอบวิชาชีพครูหมดอายุแล้ว ไปต่อที่ไหนคะ")
    assert "ไม่ได้ดำเนินการเอง" in answer and "คุรุสภา" in answer


@content
def test_a_pupils_school_move_is_the_schools_not_the_teacher_transfer_manual(bot):
    chat = Chat(bot)
    answer = chat.say("ขอย้ายโรงเรียนให้ลูกชาย ต้องติดต่อใคร")
    assert chat.last.intent == "contact.referral" and "การขอย้ายข้าราชการครู" not in answer


def test_a_slip_is_one_letter_changed_added_or_dropped():
    from bot.nlu.procedure_finder import ProcedureFinder, within_one

    assert within_one("เงินเดือน", "เงินเดิอน") and within_one("เงินเดือน", "เงนเดือน")
    assert within_one("เงินเดือน", "เงินเดือนน") and not within_one("เงินเดือน", "เงนเดิอน")
    finder = ProcedureFinder([("รับรองเงินเดือน", "salary"), ("ต่างประเทศ", "abroad"), ("ธนาคาร กู้", "salary")],
                             str.lower)
    assert finder.find("ใบรับรองเงินเดิอนไปกู้") == "salary"
    assert finder.find("จะกู้เงินธนาคาร") == "salary"  # the words of a situation, in any order
    assert finder.find("ค่าเฉลี่ยทั้งประเทศเท่าไหร่") is None  # pairs scattered over the message are no word
    either = ProcedureFinder([("ญี่ปุ่น|สิงคโปร์ ลา|ประชุม", "abroad")], str.lower)
    assert either.find("ครูจะลาไปประชุมที่สิงคโปร์") == "abroad" and either.find("ครูสอนภาษาญี่ปุ่น") is None


# -- follow-ups on a manual ------------------------------------------------------------------------------

@content
def test_after_the_salary_certificate_fee_and_ways_of_applying_are_answered_for_it(bot):
    chat = Chat(bot)
    assert SALARY in chat.say("หนังสือรับรองเงินเดือน ขอยังไง")
    fee = chat.say("ค่าธรรมเนียมเท่าไหร่")
    assert "ไม่เสียค่าธรรมเนียม" in fee and "คู่มือการให้บริการของ" not in fee
    email = chat.say("ส่งทางอีเมล์ได้ไหม")
    assert email.startswith("ไม่ได้") and "ยังไม่รับคำขอทางอีเมล" in email and "ทางไปรษณีย์" in email
    assert "Facebook" not in email
    online = chat.say("ขอทางออนไลน์ได้มั้ย")
    assert online.startswith("ไม่ได้") and "ออนไลน์" in online
    post = chat.say("ส่งไปรษณีย์ได้ไหม")
    assert post.startswith("ได้") and "ทางไปรษณีย์" in post


@content
def test_must_i_come_in_person_is_answered_from_the_manuals_other_channels(bot):
    chat = Chat(bot)
    chat.say("ขอคู่มือบัตรข้าราชการ")
    answer = chat.say("ต้องไปเองไหม")
    assert answer.startswith("ไม่จำเป็นต้องมาเอง") and "ทางไปรษณีย์" in answer


@content
def test_a_fee_asked_with_no_manual_in_view_gets_every_manuals_fee(bot, content):
    answer = Chat(bot).say("ค่าธรรมเนียมเท่าไหร่")
    for proc in content.procedures:
        assert f"- {proc.button}: {proc.fee}" in answer


@content
def test_a_manual_that_takes_applications_online_says_yes(bot):
    chat = Chat(bot)
    chat.say("ขอข้อมูลข่าวสารของราชการ ทำยังไง")
    answer = chat.say("ยื่นทางเว็บได้ไหม")
    assert answer.startswith("ได้") and "www.sesaop.go.th" in answer


@content
def test_an_english_follow_up_on_a_manual_is_answered_in_english(bot):
    chat = Chat(bot)
    chat.say("I need a salary certificate")
    answer = chat.say("Can I send it by email?")
    assert answer.startswith("No:") and "by e-mail" in answer and "ทางไปรษณีย์" in answer


# -- follow-ups on ITA answers ---------------------------------------------------------------------------

@content
def test_why_a_year_went_down_is_explained_not_the_table_again(bot, content):
    from scoring import year_result

    r = year_result(content.ita, 2563)
    chat = Chat(bot)
    chat.say("ITA ปี 2563 ได้กี่คะแนน")
    answer = chat.say("ทำไมปี 2563 คะแนนลดลง")
    assert chat.last.intent == "ita.change"
    assert f"ลดลง {abs(r.previous.difference):.2f} คะแนน จากปี 2562 ({r.previous.total:.2f})" in answer
    assert "ไม่มีคะแนนรายตัวชี้วัดของปี 2562 และ 2563" in answer  # the cause is not in the report
    assert "ปี 2560: 77.73" not in answer  # not the yearly table


@pytest.fixture
def content_dir(request, tmp_path_factory) -> Path:
    """The invented office, or (indirect "two_years") a copy of it with a 2565 that moved two indicators."""
    from tests.conftest import CONTENT, OFFICE

    if getattr(request, "param", None) != "two_years":
        return CONTENT if request.node.get_closest_marker("content") else OFFICE
    copy = tmp_path_factory.mktemp("office") / "office"
    shutil.copytree(OFFICE, copy)
    text = (copy / "ita" / "2564.yaml").read_text(encoding="utf-8")
    moved = text.replace("year: 2564", "year: 2565", 1).replace("score: 97.10", "score: 91.10", 1)
    (copy / "ita" / "2565.yaml").write_text(moved, encoding="utf-8")
    return copy


@pytest.mark.parametrize("content_dir", ["two_years"], indirect=True)
def test_why_a_year_moved_names_the_indicators_that_moved(bot, content):
    from scoring import year_result

    now = year_result(content.ita, 2565)
    first = now.indicator(1)
    assert str(first.score) == "91.1"  # the copy's indicator 1 fell by 6.00, the others stayed
    answer = Chat(bot).say("ทำไมปี 2565 คะแนนลดลง")
    assert f"ตัวชี้วัดที่ 1 {first.name}: 91.10 (ลดลง 6.00)" in answer
    assert "ไม่มีคะแนนรายตัวชี้วัด" not in answer


@content
def test_a_bare_why_after_a_years_result_explains_that_year(bot):
    chat = Chat(bot)
    chat.say("ITA ปี 2562 ได้เท่าไร")
    answer = chat.say("ทำไมถึงลดลง")
    assert chat.last.intent == "ita.change" and "ลดลง 1.00 คะแนน จากปี 2561 (85.74)" in answer


@content
def test_a_tool_named_in_a_total_question_gets_that_tools_score(bot, content):
    from scoring import year_result

    chat = Chat(bot)
    answer = chat.say("ITA ปี 2564 IIT ได้เท่าไร")
    assert chat.last.intent == "ita.tools" and f"{year_result(content.ita, 2564).tools['IIT'].score:.2f}" in answer
    assert "EIT" not in answer


@content
def test_a_year_asked_once_does_not_stick_to_the_next_question(bot):
    chat = Chat(bot)
    chat.say("ITA ปี 2563 ได้กี่คะแนน")
    answer = chat.say("อันดับเท่าไหร่ของประเทศ")
    assert chat.last.intent == "ita.rank" and "2563" not in answer and "2565" not in answer
    assert "2564" in answer  # the comparison the report publishes


@content
def test_a_breakdown_the_report_lacks_is_named_as_missing(bot):
    chat = Chat(bot)
    chat.say("ITA 2564 ได้เท่าไร")
    answer = chat.say("คะแนน ITA แยกรายโรงเรียนมีไหม")
    assert answer.startswith("รายงานไม่มีคะแนน ITA แยกรายโรงเรียน") and "93.23" not in answer


@content
def test_how_many_gets_a_count(bot):
    chat = Chat(bot)
    assert chat.say("ITA มีทั้งหมดกี่ตัวชี้วัด").startswith("ปี 2564 การประเมิน ITA มี 10 ตัวชี้วัด จาก 3 เครื่องมือ")
    assert chat.say("ผล ITA มีย้อนหลังกี่ปี").startswith("รายงานมีผลการประเมิน ITA 5 ปี (ปี 2560–2564)")


# -- answers that answer ---------------------------------------------------------------------------------

@content
def test_who_presided_gets_the_person_then_the_source_and_the_passage_one_tap_away(bot):
    chat = Chat(bot)
    answer = chat.say("ใครเป็นประธานพิธีสวนสนามลูกเสือคะ")
    assert "ประธานในพิธี: นายธวัชชัย เลี้ยงประเสริฐ รองผู้ว่าราชการจังหวัดพิจิตร" in answer
    assert "(จากรายงานผลการดำเนินการตามมาตรการฯ ปีงบประมาณ 2565 ภาคผนวก" in answer
    assert "เนื่องในงานวันคล้ายวันสถาปนา" not in answer  # not the whole passage pasted
    read = next(q for q in chat.buttons if q.label == "อ่านทั้งหมด")
    whole = chat.say(read.text)
    assert "เนื่องในงานวันคล้ายวันสถาปนาคณะลูกเสือแห่งชาติ" in whole
    assert "ณ สนามกีฬากลางจังหวัดพิจิตร" in whole and "ดร.ปัญญา หาแก้ว" in whole
    assert "สนามกีฬาากลาง" not in whole and "ทาแก้ว" not in whole  # the report's misprints, corrected


@content
@pytest.mark.parametrize("question, fact", [
    ("สัมมนาพัฒนาครูของสภาผู้แทนจัดวันไหน", "จัดเมื่อวันที่ 4 กรกฎาคม 65"),
    ("งานสัมมนาพัฒนาครูจัดที่โรงแรมอะไร", "สถานที่: โรงแรมมิตรสวรงค์"),
    ("ใครนำทีมบุคลากรไปทำจิตอาสาพัฒนาถนน", "นายไพรัตน์ กลิ่นทับ"),
])
def test_when_where_and_who_are_answered_by_the_sentence_that_answers(bot, question, fact):
    chat = Chat(bot)
    assert fact in chat.say(question)
    assert "อ่านทั้งหมด" in [q.label for q in chat.buttons]


@content
def test_a_bare_who_or_where_after_the_news_is_about_that_event(bot):
    chat = Chat(bot)
    chat.say("ข่าวลูกเสือ")
    assert "ประธานในพิธี: นายธวัชชัย เลี้ยงประเสริฐ" in chat.say("ใครเป็นประธาน")
    assert "สถานที่: สนามกีฬากลางจังหวัดพิจิตร" in chat.say("จัดที่ไหน")
    assert "โรงแรมมิตรสวรงค์" in chat.say("แล้วสัมมนาพัฒนาครูจัดที่ไหน")  # another event named: that one


@content
def test_read_all_typed_after_a_fact_shows_the_passage_it_came_from(bot):
    chat = Chat(bot)
    chat.say("กิจกรรมจิตอาสาพัฒนาถนนจัดวันไหน")
    assert "ถนนรวงผึ้งเฉลิมพระเกียรติ" in chat.say("อ่านทั้งหมด")


@content
def test_misprints_are_corrected_in_the_passages_and_the_printed_forms_kept(content):
    from bot.knowledge.content import load_report

    report = load_report(content.directory, content.ita)
    scouts = next(p for p in report.passages if p.id == "ax.news.scouts")
    shown, printed = " ".join(scouts.pieces), " ".join(scouts.printed)
    assert "ดร.ปัญญา หาแก้ว" in shown and "สนามกีฬากลางจังหวัดพิจิตร" in shown
    assert "ทาแก้ว" not in shown and "สนามกีฬาากลาง" not in shown
    assert "ดร.ปัญญา ทาแก้ว" in printed and "สนามกีฬาากลาง" in printed
    source = report.source_path.read_text(encoding="utf-8")
    assert "สนามกีฬาากลาง" in source  # the report itself is left as printed


# -- the eval command ------------------------------------------------------------------------------------

def test_eval_reports_the_unseen_part_apart_with_figures_only(tmp_path, capsys):
    (tmp_path / "utterances_heldout.jsonl").write_text(
        '{"text": "เบอร์โทรสำนักงานเขตคะ", "intent": "contact.phone"}\n', encoding="utf-8")
    (tmp_path / "utterances_unseen.jsonl").write_text(
        '{"text": "ประโยคลับที่ไม่มีใครควรเห็น", "intent": "contact.phone"}\n', encoding="utf-8")
    (tmp_path / "dialogues_unseen.jsonl").write_text(
        '{"turns": [{"text": "บทสนทนาลับ", "intent": "greeting"}]}\n', encoding="utf-8")
    assert main_eval(str(tmp_path / "utterances_heldout.jsonl")) == 0
    out = capsys.readouterr().out
    unseen = out[out.index("unseen part"):]
    assert "single-turn coarse accuracy: " in unseen and "multi-turn accuracy: " in unseen
    assert "ประโยคลับ" not in out and "บทสนทนาลับ" not in out


@content
def test_the_tuned_held_out_set_meets_its_targets(understander):
    from bot.dialogues import evaluate_dialogues, format_dialogue_report, load_dialogues
    from bot.nlu.evaluate import evaluate, format_report, load_rows

    data = Path(__file__).parent / "data"
    single = evaluate(understander, load_rows(data / "utterances_heldout.jsonl"))
    assert single.total >= 700 and single.coarse_accuracy >= 0.95, format_report(single)
    multi = evaluate_dialogues(load_dialogues(data / "dialogues_heldout.jsonl"), understander)
    assert multi.turn_accuracy >= 0.90, format_dialogue_report(multi)

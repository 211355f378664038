"""What a citizen sees when asking in chat: answers carry the figures computed by scoring/."""
from __future__ import annotations

import re

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.messages import Card, Incoming, visible_text
from scoring import year_result
from scoring.summary import fmt

ROOT = Path(__file__).resolve().parent.parent


def ask(bot, text: str, user: str = "u1", channel: str = "web"):
    turn = bot.respond(Incoming(channel, user, text))
    return turn, "\n".join(p for r in turn.replies for p in visible_text(r))


@pytest.mark.parametrize("question", ["ITA ปี 2564 ได้กี่คะแนน", "ita ปี64 ได้เท่าไหร่ครับ", "คะแนน ITA ปี ๒๕๖๔",
                                      "ITA score 2021"])
def test_total_of_2564_in_every_way_of_writing_the_year(bot, content, question):
    r = year_result(content.ita, 2564)
    turn, text = ask(bot, question)
    assert turn.understood.coarse == "ita"
    assert fmt(r.total) in text
    assert re.search(rf"(?<![A-Za-z]){r.grade.level}(?![A-Za-z])", text)  # the level, not the A of "ITA"
    card = next(x for x in turn.replies if isinstance(x, Card))
    assert card.data["total"] == float(r.total) and card.alt_text


def test_year_without_results_says_so(bot, content):
    turn, text = ask(bot, "ITA ปี 2570 ได้กี่คะแนน")
    assert "2570" in text and "2564" in text and fmt(year_result(content.ita, 2564).total) not in text


def test_history_lists_five_years_with_changes(bot, content):
    _, text = ask(bot, "ผล ITA ย้อนหลัง 5 ปี")
    years = sorted(content.ita.years)[-5:]
    for y in years:
        assert fmt(year_result(content.ita, y).total) in text
    changes = [fmt(abs(year_result(content.ita, y).previous.difference)) for y in years[-2:]]
    assert all(change in text for change in changes)  # the office's: 8.01 and 9.41


def test_comparing_two_years(bot, content):
    r = year_result(content.ita, 2564)
    _, text = ask(bot, "เทียบ ITA ปี 63 กับปี 64")
    assert fmt(r.total) in text and fmt(abs(r.previous.difference)) in text and fmt(r.previous.total) in text


def test_indicator_by_number_and_by_name(bot, content):
    r = year_result(content.ita, 2564)
    _, text = ask(bot, "ตัวชี้วัดที่ 8 ได้กี่คะแนน")
    assert fmt(r.indicator(8).score) in text and "การปรับปรุงระบบการทำงาน" in text
    _, text = ask(bot, "คะแนนประสิทธิภาพการสื่อสาร")
    assert fmt(r.indicator(7).score) in text


def test_weakest_and_below_target(bot, content):
    r = year_result(content.ita, 2564)
    _, text = ask(bot, "ตัวชี้วัดไหนได้คะแนนต่ำสุด")
    assert fmt(r.weakest.score) in text
    _, text = ask(bot, "ตัวชี้วัดไหนต่ำกว่าเป้าหมาย")
    assert all(fmt(i.score) in text for i in r.below_target)


def test_tools_and_grade_scale(bot, content):
    r = year_result(content.ita, 2564)
    _, text = ask(bot, "OIT ได้กี่คะแนน")
    assert fmt(r.tools["OIT"].score) in text and "40" in text
    _, text = ask(bot, "ได้ 84.99 ผ่านไหม")
    assert "B" in text and "85" in text


def test_follow_up_year_continues_the_ita_question(bot, content):
    ask(bot, "ITA ปี 2564 ได้กี่คะแนน", user="f1")
    turn, text = ask(bot, "แล้วปี 63 ล่ะ", user="f1")
    assert fmt(year_result(content.ita, 2563).total) in text


def test_contacts(bot, content):
    office = content.office
    _, text = ask(bot, "ขอเบอโทรหน่อยครับ")
    assert office.phone in text
    _, text = ask(bot, "สำนักงานอยู่ที่ไหน")
    assert office.address.postcode in text
    _, text = ask(bot, "เปิดกี่โมง")
    assert office.hours.opens.replace(":", ".") in text  # the office's: 08.30
    _, text = ask(bot, "ผอ.เขตชื่ออะไร")
    assert office.leaders[0].name in text


def test_procedures_list_and_detail(bot, content):
    _, text = ask(bot, "มีคู่มือบริการอะไรบ้าง")
    assert all(p.title in text for p in content.procedures[:3])
    first = content.procedures[0]
    turn, text = ask(bot, f"คู่มือ{first.title}")
    assert first.fee in text and first.steps[0] in text


def test_news_latest(bot, content):
    _, text = ask(bot, "ข่าวล่าสุด")
    assert content.news[0].title in text


def test_out_of_scope_gets_the_menu(bot):
    turn, text = ask(bot, "ราคาทองวันนี้เท่าไหร่")
    assert turn.understood.coarse == "fallback"
    assert turn.replies[0].quick_replies


def test_ask_cli_batch_json_contract(tmp_path, content):
    db = tmp_path / "fresh" / "cli.sqlite3"  # not created: `ask` migrates a fresh database itself
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"user": "a", "text": "ITA ปี 2564 ได้กี่คะแนน"}, {"user": "b", "text": "เบอร์โทร"}]) + "\n",
        encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--batch", str(batch), "--json"], cwd=ROOT,
                         env={"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin", "PYTHAINLP_OFFLINE": "1",
                              "CONTENT_DIR": str(content.directory)},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["user"] for r in rows] == ["a", "b"]
    assert set(rows[0]) >= {"user", "text", "intent", "entities", "reply_text", "replies"}
    assert rows[0]["intent"].split(".")[0] == "ita" and fmt(year_result(content.ita, 2564).total) in rows[0]["reply_text"]
    assert rows[0]["entities"].get("year") == 2564
    reply = rows[0]["replies"][0]
    assert {"type", "text", "quick_replies"} <= set(reply)
    assert all(set(q) == {"label", "text"} for q in reply["quick_replies"])
    assert content.office.phone in rows[1]["reply_text"]


def feedback_offered(turn) -> bool:
    return "ประเมินความพึงพอใจ" in [q.label for q in turn.replies[-1].quick_replies]


def test_the_satisfaction_rating_is_offered_after_a_few_answers_and_at_the_end_not_under_each(bot):
    offered = [feedback_offered(ask(bot, text, user="rate1")[0])
               for text in ("เบอร์โทร", "ITA ปี 2564 ได้กี่คะแนน", "คู่มือบริการ", "ข่าวล่าสุด")]
    assert offered == [False, False, True, False]  # from the third information answer, once
    assert feedback_offered(ask(bot, "ขอบคุณ", user="rate1")[0])  # and when the conversation ends
    assert not feedback_offered(ask(bot, "ขอบคุณ", user="rate-new")[0])  # nothing answered yet: nothing to rate
    _, text = ask(bot, "ประเมินความพึงพอใจ", user="rate1")
    assert "1" in text and "5" in text
    ask(bot, "5", user="rate1")
    ask(bot, "ไม่มี", user="rate1")
    assert not feedback_offered(ask(bot, "ขอบคุณ", user="rate1")[0])  # rated already: not asked again


def test_complaints_are_refused_in_a_group_chat_but_questions_answered(bot, content):
    turn = bot.respond(Incoming("line", "Cgroup1", "อยากร้องเรียนเจ้าหน้าที่", group=True))
    text = "\n".join(p for r in turn.replies for p in visible_text(r))
    assert "แชตส่วนตัว" in text and "รหัสติดตาม" not in text
    turn = bot.respond(Incoming("line", "Cgroup1", "เบอร์โทรสำนักงาน", group=True))
    assert content.office.phone in "\n".join(p for r in turn.replies for p in visible_text(r))


def test_how_to_reach_aa_gives_the_smallest_lift_computed_by_scoring(bot, content):
    from scoring import plan_to_level

    plan = plan_to_level(content.ita, 2564, "AA")
    _, text = ask(bot, "ทำยังไงให้ได้ AA")
    assert fmt(plan.floor) in text and fmt(plan.result.total) in text
    assert all(f"ตัวชี้วัดที่ {r.number}" in text and fmt(r.rise) in text for r in plan.raises)


def test_a_procedure_is_one_answer_with_its_steps_under_their_heading(bot, content):
    proc = content.procedure("employment-certificate")
    turn, text = ask(bot, "ขอหนังสือรับรองเงินเดือน", user="proc1")
    assert [r.type for r in turn.replies] == ["card"]  # no text after the card repeating it
    assert text.count(proc.title) == 1 and text.count(" ".join(proc.summary.split())[:40]) == 1
    assert f"ขั้นตอน\n1. {proc.steps[0]}" in text and f"{len(proc.steps)}. {proc.steps[-1]}" in text
    assert "ขั้นตอน:" not in text
    for line in text.splitlines():  # a heading is always followed by what it heads
        assert line.strip() not in ("ขั้นตอน", "เอกสารที่ต้องใช้") or text.split(line, 1)[1].strip()


def test_every_button_label_in_content_fits_lines_twenty_characters(bot, content):
    button_lists = [key for key, items in content.replies.th.items()  # "label|text" lists are buttons
                    if isinstance(items, list) and all("|" in item for item in items)]
    labels = [q.label for key in button_lists for q in content.quick_replies(key)]
    labels += [p.button for p in content.procedures]
    assert labels and all(len(label) <= 20 for label in labels), [x for x in labels if len(x) > 20]
    turn, _ = ask(bot, "คู่มือบริการ", user="proc2")
    shown = [q.label for q in turn.replies[-1].quick_replies]
    assert "รับรองเงินเดือน" in shown and all(not label.endswith("…") for label in shown)


# --- issue 10: conversations that should work ----------------------------------------------------------


def test_several_tools_at_once_give_all_three_figures(bot, content):
    r = year_result(content.ita, 2564)
    _, text = ask(bot, "IIT EIT OIT ได้เท่าไหร่", user="tools3")
    assert all(fmt(r.tools[t].score) in text for t in ("IIT", "EIT", "OIT"))
    _, text = ask(bot, "EIT ได้เท่าไร", user="tools1")
    assert fmt(r.tools["EIT"].score) in text and fmt(r.tools["OIT"].score) not in text


def test_follow_ups_carry_the_year_and_the_manual(bot, content):
    r = year_result(content.ita, 2563)
    ask(bot, "ita 63", user="fy")
    _, level = ask(bot, "ได้ระดับอะไร", user="fy")
    assert r.grade.level in level and fmt(r.total) in level
    proc = content.procedure("employment-certificate")
    ask(bot, "คู่มือขอหนังสือรับรองเงินเดือน", user="fp")
    turn, days = ask(bot, "ใช้เวลากี่วัน", user="fp")
    assert proc.time_limit in days and turn.understood.entities["procedure"] == proc.id
    _, docs = ask(bot, "ใช้เอกสารอะไรบ้าง", user="fp")
    assert proc.documents[0] in docs
    ask(bot, "มีคู่มืออะไรบ้าง", user="fl")
    number = min(9, len(content.procedures))  # the office's: 9 of 10 manuals
    _, ninth = ask(bot, str(number), user="fl")
    assert content.procedures[number - 1].title in ninth


def test_short_latin_forms_get_thai_answers(bot, content):
    turn, text = ask(bot, "ita", user="lat")
    assert turn.understood.intent == "ita.total" and "คะแนนรวม" in text
    _, salary = ask(bot, "เงินเดือน", user="lat2")
    assert content.procedure("employment-certificate").title in salary
    assert content.office.groups[0].name not in salary  # not the list of all work groups


def test_what_the_office_does_not_handle_says_who_does_with_the_phone(bot, content):
    turn, text = ask(bot, "ลูกจะเข้า ม.1 สมัครที่ไหนคะ", user="ref")
    admission = content.office.referrals["admission"]
    assert admission.who in text and content.office.phone in text and "กลุ่มส่งเสริมการจัดการศึกษา" in text
    assert "คู่มือการให้บริการ" not in text


def test_who_the_bot_is_and_how_to_reach_a_person(bot, content):
    _, text = ask(bot, "เป็นบอทหรือคน", user="who")
    assert "อัตโนมัติ" in text and content.office.phone in text


def test_other_channels_come_from_office_yaml_marked_sample(bot, content):
    _, text = ask(bot, "มีไลน์ไหมคะ", user="chan")
    assert all(c.name in text and c.address in text for c in content.office.channels)
    assert "ข้อมูลตัวอย่าง" in text and "ยังไม่ได้ประกาศอีเมล" in text


def test_an_unknown_topic_says_so_and_how_to_reach_the_office(bot, content):
    _, text = ask(bot, "ราคาทองวันนี้เท่าไหร่", user="unk")
    assert "ยังไม่มีข้อมูล" in text and content.office.phone in text


@pytest.mark.content
def test_report_typos_are_corrected_in_content(content):
    scouts = next(n for n in content.news if n.id == "scouts-2022-07-01")
    assert "ทาแก้ว" not in scouts.body and "หาแก้ว" in scouts.body and "สนามกีฬากลาง" in scouts.body
    o20 = next(w for w in content.ita.years[2564].weak_items if w.item == "O20")
    assert not o20.description.startswith("ซึ่ง")

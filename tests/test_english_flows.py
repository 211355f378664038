"""An English speaker is answered in English, and a complaint begun in English runs in English to the end
(texts, buttons and the receipt), even when a later message is a code, a number or a Thai word; Thai stays
the default."""
from __future__ import annotations

import re

from tests.complaint_helpers import Person, buttons, code_in, said, settings, smtp  # noqa: F401
from tests.complaint_helpers import sqlite_only as database_url  # noqa: F401

THAI = re.compile(r"[\u0E00-\u0E7F]")
OFFICE_NAME = re.compile(r"สพม\.\S*")  # the office's own name is Thai in any language


def thai_in(text: str) -> list[str]:
    return [line for line in OFFICE_NAME.sub("", text).splitlines() if THAI.search(line)]


def test_a_complaint_begun_in_english_runs_in_english_to_its_receipt(bot, services):
    person = Person(bot, "Uenglish00000000000000000000000001")
    opened = person.says("I want to make a complaint")
    assert "What is it about?" in said(opened) and not thai_in(said(opened))
    assert "Corruption/misconduct" in buttons(opened) and "Cancel" in buttons(opened)
    details = person.says("Corruption/misconduct")
    assert "Please tell what happened" in said(details) and "Done" in buttons(details)
    kept = person.says("A clerk asked me for 2,000 baht to speed up my transfer papers.")
    assert "Detail 1 received" in said(kept)
    evidence = person.says("Done")
    assert "evidence" in said(evidence) and "Skip" in buttons(evidence) and not thai_in(said(evidence))
    identity = person.says("Skip")
    assert "Stay anonymous" in buttons(identity) and not thai_in(said(identity))
    summary = person.says("Stay anonymous")
    assert "Your complaint" in said(summary) and "Confirm and send" in buttons(summary)
    assert "anonymous" in said(summary) and not thai_in(said(summary))
    receipt = person.says("Confirm and send")
    text = said(receipt)
    assert "Tracking code" in text and code_in(receipt).startswith("CR-")
    assert "30 working days" in text and "Anti-Corruption" in text and not thai_in(text)
    assert "complaint" in buttons(receipt)  # the English menu follows


def test_an_english_flow_stays_english_for_a_phone_number_and_a_thai_button_word(bot):
    person = Person(bot, "Uenglish00000000000000000000000002")
    person.says("I want to report corruption")
    person.says("The school charged every parent 300 baht for a trip that never happened.")
    person.says("Done")
    person.says("Skip")
    consent = person.says("Give name and phone")
    assert "Do you agree?" in said(consent) and "I agree" in buttons(consent)
    person.says("I agree")
    person.says("Somchai Jaidee")
    summary = person.says("0812345678")  # digits only: still English
    assert "Your complaint" in said(summary) and "Somchai Jaidee, phone 0812345678" in said(summary)
    assert "Back" in buttons(summary)


def test_questions_and_hesitation_in_english_are_answered_in_english(bot):
    person = Person(bot, "Uenglish00000000000000000000000003")
    anonymous = said(person.says("Will they find out it was me if I report?"))
    assert "keyed hash" in anonymous and "Anti-Corruption" in anonymous and not thai_in(anonymous)
    person.says("I want to make a complaint")
    person.says("Service")
    worried = person.says("I am scared, maybe I should not report this")
    assert "Nothing is sent until" in said(worried) and buttons(worried) == ["Continue", "Cancel"]
    back = person.says("Continue")
    assert "Please tell what happened" in said(back)
    assert "Cancelled" in said(person.says("Cancel"))


def test_asking_to_email_in_english_is_answered_in_english(bot):
    answer = said(Person(bot, "Uenglish00000000000000000000000004").says("Can I email you?"))
    assert "e-mail" in answer and "Please call" in answer
    assert "สำนักงานยังไม่ได้ประกาศอีเมล" not in answer and "ช่องทางติดตามข่าวสาร" not in answer


def test_thai_stays_the_default(bot):
    person = Person(bot, "Uthai000000000000000000000000000001")
    opened = person.says("อยากร้องเรียนครับ")
    assert "เรื่องที่ต้องการแจ้งเกี่ยวกับหัวข้อใด" in said(opened) and "ยกเลิก" in buttons(opened)
    assert "Cancel" not in buttons(opened)


def test_in_the_web_chat_an_english_complaint_has_english_buttons_at_every_step(client):
    def say(text: str) -> tuple[str, list[str]]:
        data = client.post("/api/chat", json={"text": text}).get_json()
        return ("\n".join(r.get("text", "") for r in data["replies"]),
                [q["label"] for r in data["replies"] for q in r.get("quick_replies", [])])

    text, labels = say("I want to make a complaint")
    assert "What is it about?" in text and "School" in labels and "ยกเลิก" not in labels
    text, labels = say("School")
    assert "Please tell what happened" in text and labels == ["Done", "Back", "Cancel"]
    text, labels = say("How long will it take?")
    assert "working days" in text and "Please tell what happened" in text  # answered; still at the details
    text, labels = say("Cancel")
    assert "Cancelled" in text and "Complaint" in labels  # the English menu


def test_the_satisfaction_button_offered_to_an_english_speaker_is_english_and_opens_the_rating(bot):
    person = Person(bot, "Uenglish00000000000000000000000009")
    offered = [buttons(person.says(q)) for q in ("What is the office phone number?", "What are your office hours?",
                                                  "Where is the office?")]
    assert "Rate our service" in offered[-1] and "ประเมินความพึงพอใจ" not in offered[-1]
    rating = said(person.says("Rate our service"))
    assert "from 1 (least) to 5 (most)" in rating and not thai_in(rating)

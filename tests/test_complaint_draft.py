"""The complaint draft is typed but stored as before: drafts saved by the untyped flow load and go on."""
from __future__ import annotations

from sqlalchemy import select

from bot.complaints import content as cc
from bot.complaints.draft import Draft
from bot.complaints.models import Complaint
from bot.core.messages import Card
from tests.complaint_helpers import Person, code_in, said
from tests.complaint_helpers import sqlite_only as database_url  # noqa: F401

# What the flow stored before the draft was typed, at the identity step after "anonymous" was undone.
OLD = {"key": "old-draft-1", "details": ["รอเอกสารนานเกินสองเดือน"], "trail": ["category", "details", "evidence"],
       "opened": 1_700_000_000.0, "category": "service", "anonymous": True, "name": None, "phone": None,
       "location": {"latitude": 16.44, "longitude": 100.35, "title": "หน้าสำนักงาน", "address": None}}


def test_an_old_draft_loads_typed_and_is_stored_back_under_the_same_keys():
    draft = Draft.load(OLD)
    assert (draft.key, draft.category, draft.details, draft.trail) == (
        "old-draft-1", "service", ["รอเอกสารนานเกินสองเดือน"], ["category", "details", "evidence"])
    assert not draft.named and draft.location["title"] == "หน้าสำนักงาน"
    assert draft.dump() == {k: v for k, v in OLD.items() if v is not None}
    assert Draft.load({**OLD, "from_a_later_version": 1}).dump() == draft.dump()  # unknown keys pass by
    assert Draft.load({"key": "k"}).details == [] and Draft.load({"key": "k"}).category is None


def test_a_complaint_left_at_a_step_by_the_untyped_flow_is_finished_and_filed(bot, services):
    category = cc.of(services).categories[0].id
    services.states.save("line", "U-old-draft", {"flow": {"name": "complaint", "step": "identity",
                                                          "data": {**OLD, "category": category}}})
    person = Person(bot, "U-old-draft")
    summary = person.says(cc.say(services, "btn_anonymous")).replies[-1]
    assert isinstance(summary, Card) and "รอเอกสารนานเกินสองเดือน" in summary.alt_text
    code = code_in(person.says(cc.say(services, "btn_confirm")))
    with services.db.session() as s:
        filed = s.scalar(select(Complaint).where(Complaint.code == code))
        assert (filed.category, filed.draft_key) == (category, "old-draft-1")
    back = said(person.says(cc.say(services, "btn_back")))  # the flow is over: "back" is not a step any more
    assert cc.say(services, "ask_identity") not in back

"""Follow-ups on the last answer: a short message that only makes sense after what the bot just said.

"แล้วปี 63 ล่ะ" or "IIT ล่ะ" after an ITA answer, "ได้ระดับอะไร" after a year's total (the year is carried
over), "ใช้เวลากี่วัน" after a service manual, "9" or "ข้อ 4" after the numbered list of manuals. The NLU
reads each message alone; this module adds what the previous turn said, kept in the conversation state.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Sequence

# What a later message may refer back to.
CARRIED = ("year", "relative_year", "procedure", "tool", "passage", "topic")
# Where a question about the report is read with the news topic or passage just shown ("ใครเป็นประธาน"
# after the scouts' news): the report's answers and the fallback, which searches the report.
ABOUT_LAST_PASSAGE = ("ita.knowledge", "fallback")
VALUE_ENTITIES = {"year", "relative_year", "indicator", "tool"}
YEARS = ("year", "years", "relative_year")
PICK = re.compile(r"^(?:ข้อที่|ข้อ|เลขที่|เลข|หมายเลข|อันที่|เรื่องที่|ที่|no\.?|number|#)?\s*(\d{1,2})$")
# Where an aspect word ("ใช้เวลากี่วัน", "ติดต่อกลุ่มไหน", "ส่งทางอีเมลได้ไหม") is taken as a question about the
# manual just shown; an ITA guess too, when nothing in the message is the assessment's own ("ต้องเสียค่าอะไรไหม").
ASPECT_AFTER = ("procedure", "contact", "fallback", "help", "greeting", "ita")
ITA_OWN = {"year", "years", "relative_year", "indicator", "tool", "item", "level", "score"}
# ITA questions that a year does not change: a year asked about before is not carried into them
# ("อันดับเท่าไหร่ของประเทศ" after "ITA ปี 2563" asks about the office, not about 2563).
YEARLESS = ("ita.rank", "ita.about", "ita.scale", "ita.explain_total", "ita.explain_published", "ita.knowledge")


def remember(state: dict, understood: Any) -> None:
    """Keep this turn's intent and the values a follow-up may need."""
    state["last_intent"] = understood.intent
    state["last"] = {k: understood.entities[k] for k in CARRIED if k in understood.entities}


def resolve(understood: Any, state: dict, procedures: Sequence[Any] = ()) -> Any:
    """The message's meaning given the previous turn (unchanged when it stands on its own)."""
    last_intent = state.get("last_intent", "")
    last = state.get("last") or {}
    entities = dict(understood.entities)

    def as_(intent: str, **more: object) -> Any:
        return replace(understood, intent=intent, confidence=max(understood.confidence, 0.5),
                       entities={**entities, **more})

    if last_intent.startswith("procedure.list") and (m := PICK.match(understood.normalized.strip())):
        number = int(m.group(1))
        if 1 <= number <= len(procedures):
            entities.pop("indicator", None)
            return as_("procedure.detail", procedure=procedures[number - 1].id)
    if last.get("procedure") and "procedure" not in entities and last_intent.startswith("procedure") and (
            ("aspect" in entities and understood.coarse in ASPECT_AFTER
             and not (understood.coarse == "ita" and ITA_OWN & set(entities)))
            or understood.intent == "procedure.detail"):
        return as_("procedure.detail", procedure=last["procedure"])
    if understood.intent == "ita.passage" and last.get("passage") and "passage" not in entities:
        return as_("ita.passage", passage=last["passage"])  # "อ่านทั้งหมด" after a fact of the report
    if understood.intent in ABOUT_LAST_PASSAGE and not VALUE_ENTITIES & set(entities) and (
            last.get("passage") or (last.get("topic") and last_intent.startswith("news"))):
        context = {k: last[k] for k in ("passage", "topic") if last.get(k) and k not in entities}
        if context:
            return replace(understood, entities={**entities, **{f"last_{k}": v for k, v in context.items()}})
    intent = understood.intent
    if understood.coarse == "fallback" and VALUE_ENTITIES & set(entities):
        # "แล้วปี 63 ล่ะ", "IIT ล่ะ", "ปี62": values alone continue the ITA question (or start one).
        intent = last_intent if last_intent.startswith("ita") else "ita.total"
        if "tool" in entities and intent != "ita.tools":
            intent = "ita.tools"
        elif "indicator" in entities and intent not in ("ita.indicator", "ita.guidance"):
            intent = "ita.indicator"
    if intent.startswith("ita") and intent not in YEARLESS and last_intent.startswith("ita") \
            and not any(k in entities for k in YEARS):
        for key in ("year", "relative_year"):
            if key in last:
                entities[key] = last[key]  # "ได้ระดับอะไร" after "ITA ปี 63": still 2563
    if intent == understood.intent and entities == understood.entities:
        return understood
    return replace(understood, intent=intent, entities=entities)

"""The complaint conversation: category → details → evidence → identity (→ consent → name → phone) →
summary → filed, with back and cancel at every step.

`STEPS` is the whole conversation in one table, as python-telegram-bot's ConversationHandler has it: each
step's prompt, the handler of a message at that step, and the step that comes next. A handler changes
only the draft and returns where to go (`Stay`, `Go`, `Back`, `End`, or `NotForUs` to let the message be
answered as a question; steps.py); `ComplaintFlow` alone moves the conversation.

The draft (draft.py) lives in the conversation state (evidence files in their own rows, see evidence.py);
nothing reaches staff until the reporter confirms. A message that plainly belongs to another topic
("เบอร์โทรสำนักงาน") is answered normally and the draft waits where it was; a question about reporting itself
("เขาจะรู้ไหมว่าเป็นเรา") or fear is answered at the step (reporting.py). A flow begun in English speaks
English to the end (`Draft.lang`).
"""
from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Callable

from bot.channels import line_account
from bot.core.conversation import Context, for_another_topic
from bot.core.messages import Card, CardRow, QuickReply, Reply, Text
from bot.core.textcut import clip as cut
from bot.core.thai import THAI_DIGITS
from bot.thaitime import thai_date

from . import content as cc
from . import deadlines, evidence, floodgate, reporting, service
from .content import Category, buttons
from .content import say_in as say
from .draft import Draft
from .steps import Back, End, Go, NotForUs, Outcome, Stay, Step

if TYPE_CHECKING:
    from bot.nlu import Understanding

log = logging.getLogger(__name__)

NAME = "complaint"
# Intents of this feature: inside the flow they never leave it (a second "ร้องเรียน" does not restart it).
OWN_INTENTS = {"complaint", "feedback", "track", "fallback", "media"}
MIN_CONFIDENCE = 0.5
# In the details step a reporter is telling a story; only a message the understanding layer is this sure
# is an information question is answered instead of kept (below it, and above MIN_CONFIDENCE, we ask).
ANSWER_CONFIDENCE = 0.85
# A first message that reports a wrong and is longer than this (spaces aside) is kept as the first detail;
# "แจ้งทุจริต" or "ร้องเรียนเจ้าหน้าที่" only open the flow.
FIRST_DETAIL_CHARS = 12
# A question is short: a message longer than this (spaces aside) is part of the story even with "ไหม" in it.
STORY_CHARS = 50
# A short request without a question word ("เบอร์โทรสำนักงาน") may be a question; a longer one without
# ("เมื่อวันจันทร์ ที่ห้องกลุ่มบุคคล") is part of the story.
SHORT_CHARS = 20
PHONE = re.compile(r"^0\d{8,9}$")
SUMMARY_DETAILS = 300


def elsewhere(ctx: Context) -> bool:
    """Whether the message is plainly for another topic, to be answered without leaving the flow."""
    return for_another_topic(ctx.understood, OWN_INTENTS, MIN_CONFIDENCE)


def question_kind(ctx: Context, draft: Draft) -> str:
    """In the details step: "answer" (surely an information question), "ask" (could be either) or "detail".
    A message that reports a wrong or asks to complain is always a detail."""
    u = ctx.understood
    if u.entities.get("complaint") or u.coarse in OWN_INTENTS:
        return "answer" if u.coarse == "track" and u.entities.get("code") else "detail"
    text = cc.squash(ctx.message.utterance or "")
    content = cc.of(ctx.services)
    asks = any(w in text for w in content.squashed_words("question")) or "?" in text
    if not (asks and len(text) <= STORY_CHARS) and len(text) > SHORT_CHARS:
        return "detail"  # a statement is part of the story
    if not asks and not draft.details and u.confidence < ANSWER_CONFIDENCE:
        return "detail"  # the first words after choosing a topic tell the story, unless surely a question
    about_the_story = any(w in text for w in content.squashed_words("story"))  # "ผอ.เขตรู้เรื่องนี้ไหม"
    if about_the_story:  # a question about the story could be either, whenever the bot has an answer to it
        return "ask" if u.intent != "fallback" else "detail"
    if u.confidence >= ANSWER_CONFIDENCE:
        return "answer"
    return "ask" if u.confidence >= MIN_CONFIDENCE else "detail"


def reread(ctx: Context, text: str) -> Understanding:
    """The understanding of an earlier message of this user (the one we asked about)."""
    return ctx.services.understander.understand(text)


def details_text(details: list[str]) -> str:
    return "\n".join(f"{n}. {clip(d)}" for n, d in enumerate(details, start=1))


def clip(text: str, limit: int = 120) -> str:
    return cut(text, limit, one_line=False)  # at a word boundary, never mid-word


def normalize_phone(text: str) -> str:
    digits = re.sub(r"[\s\-().]", "", text.translate(THAI_DIGITS))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    return digits


# --- prompts ----------------------------------------------------------------------------------------------
def nav(ctx: Context) -> tuple[QuickReply, ...]:
    return buttons(ctx, "btn_back", "btn_cancel")


def ask_category(ctx: Context, draft: Draft) -> list[Reply]:
    content = cc.of(ctx.services)
    cats = tuple(QuickReply(content.label(c.id, ctx.lang), content.label(c.id, ctx.lang)) for c in content.categories)
    if draft.details:  # back from the details: show what is kept, and offer to clear it
        return [Text(say(ctx, "ask_category_again", count=len(draft.details), details=details_text(draft.details)),
                     cats + buttons(ctx, "btn_clear_details", "btn_cancel"))]
    return [Text(say(ctx, "ask_category"), cats + buttons(ctx, "btn_cancel"))]


def ask_details(ctx: Context, draft: Draft) -> list[Reply]:
    label = cc.of(ctx.services).label(draft.category, ctx.lang)
    if draft.details:
        return [Text(say(ctx, "ask_details_kept", category=label, count=len(draft.details),
                         details=details_text(draft.details)), buttons(ctx, "btn_done") + nav(ctx))]
    return [Text(say(ctx, "ask_details", category=label), buttons(ctx, "btn_done") + nav(ctx))]


def ask_evidence(ctx: Context, draft: Draft) -> list[Reply]:
    limits = cc.of(ctx.services).limits
    first = "btn_done" if evidence.draft_count(ctx.services, draft.key) or draft.location else "btn_skip"
    return [Text(say(ctx, "ask_evidence", max_files=limits.evidence_files, max_mb=limits.evidence_mb),
                 buttons(ctx, first) + nav(ctx))]


def asking(key: str, *button_keys: str) -> Callable[[Context, Draft], list[Reply]]:
    """The prompt of a step that asks one fixed question."""
    return lambda ctx, draft: [Text(say(ctx, key), buttons(ctx, *button_keys) + nav(ctx))]


def summary(ctx: Context, draft: Draft) -> list[Reply]:
    details = clip("\n".join(draft.details), SUMMARY_DETAILS)
    count = evidence.draft_count(ctx.services, draft.key)
    proof = say(ctx, "evidence_count", count=count) if count else say(ctx, "no_evidence")
    if draft.location:
        proof += f" + {say(ctx, 'label_location')}"
    reporter = say(ctx, "named", name=draft.name, phone=draft.phone) if draft.named else say(ctx, "anonymous")
    rows = (CardRow(say(ctx, "label_category"), cc.of(ctx.services).label(draft.category, ctx.lang)),
            CardRow(say(ctx, "label_details"), details),
            CardRow(say(ctx, "label_evidence"), proof),
            CardRow(say(ctx, "label_reporter"), reporter))
    title, footer = say(ctx, "summary_title"), say(ctx, "summary_footer")
    alt = "\n".join([title] + [f"{r.label}: {r.value}" for r in rows] + [footer])
    return [Card(title=title, alt_text=alt, rows=rows, footer=footer,
                 quick_replies=buttons(ctx, "btn_confirm", "btn_back", "btn_cancel"))]


# --- handlers: one message at a step ------------------------------------------------------------------
def on_category(ctx: Context, draft: Draft, text: str) -> Outcome:
    content = cc.of(ctx.services)
    if draft.details and content.is_word("clear_details", text):
        draft.details = []
        return Stay([Text(say(ctx, "details_cleared"))] + ask_category(ctx, draft))
    if elsewhere(ctx) and not content.category_named(text):
        return NotForUs()  # "ขอคู่มือย้ายครู" is a question to answer, not the category "สถานศึกษา"
    category = named_category(ctx) or (None if content.is_word("generic", text) else content.category_in(text))
    if category:
        before, draft.category = draft.category, category.id
        return Go(before=unit_change(ctx, before, category))
    return Stay([Text(say(ctx, "category_unclear"), ask_category(ctx, draft)[0].quick_replies)])


def unit_change(ctx: Context, before: str | None, after: Category) -> list[Reply]:
    """A report moved to a category of another unit (a corruption report to "การให้บริการ") says so:
    it will no longer reach the integrity unit."""
    content = cc.of(ctx.services)
    if not before or before == after.id or content.category(before).unit == after.unit:
        return []
    return [Text(say(ctx, "unit_changed", before=content.unit_name(content.category(before).unit, ctx.lang),
                     after=content.unit_name(after.unit, ctx.lang), category=content.label(after.id, ctx.lang)))]


def on_details(ctx: Context, draft: Draft, text: str) -> Outcome:
    content = cc.of(ctx.services)
    limits = content.limits
    here = buttons(ctx, "btn_done", "btn_back", "btn_cancel")
    pending, draft.pending = draft.pending, None
    if pending is not None and content.is_word("add_yes", text):
        text = pending
    elif pending is not None and content.is_word("add_no", text):
        return NotForUs(understood=reread(ctx, pending))  # answered as the question it was
    elif content.is_word("add_yes", text) or content.is_word("add_no", text) or \
            content.is_word("clear_details", text):
        return Stay(ask_details(ctx, draft))  # a stale button: nothing was waiting for it
    elif content.is_word("done", text):
        if pending is not None:  # moving on without answering: the message was for the complaint
            draft.details.append(pending)
        if not draft.details:
            return Stay([Text(say(ctx, "details_empty"), nav(ctx))])
        return Go()
    if not text:
        return Stay([Text(say(ctx, "details_empty"), here)])
    if reporting.restates(ctx, text):  # "อยากแจ้งทุจริตค่ะ": the wish again, not what happened
        return Stay([Text(say(ctx, "restated", category=content.label(draft.category, ctx.lang)), here)])
    if text != pending:
        kind = question_kind(ctx, draft)
        if kind == "answer":
            return NotForUs()  # answered by its handler, then `aside` says the complaint is still open
        if kind == "ask":
            draft.pending = text
            return Stay([Text(say(ctx, "ask_add_detail", text=clip(text)),
                              buttons(ctx, "btn_add_yes", "btn_add_no") + buttons(ctx, "btn_cancel"))])
    if len(text) > limits.detail_chars:
        return Stay([Text(say(ctx, "details_too_long", length=len(text), limit=limits.detail_chars), here)])
    if sum(len(d) for d in draft.details) + len(text) > limits.details_total_chars:
        return Stay([Text(say(ctx, "details_full", limit=limits.details_total_chars), here)])
    draft.details.append(text)
    return Stay([Text(say(ctx, "details_more", count=len(draft.details)), here)])


def on_evidence(ctx: Context, draft: Draft, text: str) -> Outcome:
    content = cc.of(ctx.services)
    if content.is_word("done", text) or content.is_word("skip", text):
        return Go()
    if elsewhere(ctx):
        return NotForUs()
    return Stay(ask_evidence(ctx, draft))


def on_identity(ctx: Context, draft: Draft, text: str) -> Outcome:
    content = cc.of(ctx.services)
    if content.is_word("anonymous", text):
        draft.go_anonymous()
        return Go("confirm")
    if content.is_word("named", text):
        return Go()
    return unclear(ctx, draft, "identity_unclear", "identity")


def on_consent(ctx: Context, draft: Draft, text: str) -> Outcome:
    content = cc.of(ctx.services)
    if content.is_word("consent", text):
        return Go()
    if content.is_word("no_consent", text):
        draft.go_anonymous()
        return Go("confirm")
    return unclear(ctx, draft, "consent_unclear", "consent")


def on_name(ctx: Context, draft: Draft, text: str) -> Outcome:
    limit = cc.of(ctx.services).limits.name_chars
    name = " ".join(text.split())
    if not (2 <= len(name) <= limit) or not any(ch.isalpha() for ch in name):
        return Stay([Text(say(ctx, "name_invalid", limit=limit), nav(ctx))])
    draft.name = name
    return Go()


def on_phone(ctx: Context, draft: Draft, text: str) -> Outcome:
    phone = normalize_phone(text)
    if not PHONE.match(phone):
        return Stay([Text(say(ctx, "phone_invalid"), nav(ctx))])
    draft.phone, draft.anonymous = phone, False
    return Go()


def on_confirm(ctx: Context, draft: Draft, text: str) -> Outcome:
    if cc.of(ctx.services).is_word("confirm", text):
        return file(ctx, draft)
    return unclear(ctx, draft, "confirm_unclear", "confirm")


def unclear(ctx: Context, draft: Draft, key: str, step: str) -> Outcome:
    if elsewhere(ctx):
        return NotForUs()
    return Stay([Text(say(ctx, key), STEPS[step].prompt(ctx, draft)[-1].quick_replies)])


def attachment(ctx: Context, draft: Draft, step: str) -> Outcome:
    """A photo, file or location, taken at the steps that take them (details and evidence) alike."""
    limits, m = cc.of(ctx.services).limits, ctx.message
    here = buttons(ctx, "btn_done", "btn_back", "btn_cancel")
    if not STEPS[step].attachments:
        return Stay([Text(say(ctx, "media_not_now"), STEPS[step].prompt(ctx, draft)[-1].quick_replies)])
    if m.location:
        loc = m.location
        draft.location = {"latitude": loc.latitude, "longitude": loc.longitude, "title": loc.title,
                          "address": loc.address}
        return Stay([Text(say(ctx, "location_saved"), here)])
    line_account.show_loading_soon(ctx.services, m.channel, m.user_id)  # downloading and cleaning takes a moment
    try:
        count = evidence.keep(ctx.services, draft.key, m.channel, m.media, ctx.now)
    except evidence.Refused as refused:
        types = ", ".join(dict.fromkeys(limits.evidence_types.values()))
        return Stay([Text(say(ctx, refused.key, max_mb=limits.evidence_mb, max_files=limits.evidence_files,
                              types=types), here)])
    return Stay([Text(say(ctx, "evidence_saved", count=count, max_files=limits.evidence_files), here)])


# --- filing -------------------------------------------------------------------------------------------
def file(ctx: Context, draft: Draft) -> Outcome:
    m = ctx.message
    refused = floodgate.refusal(ctx.services, m.channel, draft.opened, ctx.now)
    if refused == "confirm_too_soon":
        return Stay([Text(say(ctx, refused), buttons(ctx, "btn_confirm", "btn_back", "btn_cancel"))])
    if refused:
        return End([Text(say(ctx, refused, limit=cc.of(ctx.services).limits.web_complaints_per_address_per_day))],
                   discard=True)
    try:
        complaint = service.file_complaint(ctx.services, filing(draft), m.channel, m.user_id, ctx.now,
                                           receipt=lambda c: filed(ctx, c))
    except service.RateLimited as exc:
        return End([Text(say(ctx, "rate_limited", limit=exc.limit))], discard=True)
    except Exception as exc:  # the type only: the message would quote the draft (SQL parameters)
        log.error("filing a complaint failed: %s", type(exc).__name__)
        return Stay([Text(say(ctx, "save_failed"), buttons(ctx, "btn_confirm", "btn_cancel"))])
    floodgate.count_filed(ctx.services, m.channel)
    receipt = service.receipt_id(ctx.services, complaint)
    # No state row is left whose time matches the complaint's.
    return End(filed(ctx, complaint), forget=True, owed=() if receipt is None else (receipt,))


def filing(draft: Draft) -> service.Draft:
    return service.Draft(key=draft.key, category=draft.category, details=list(draft.details),
                         location=draft.location, anonymous=not draft.named, name=draft.name, phone=draft.phone)


def filed(ctx: Context, complaint) -> list[Reply]:
    """The receipt: written with the complaint (owed until delivered) and answered in the chat."""
    content = cc.of(ctx.services)
    category = content.category(complaint.category)
    reply_by = thai_date(deadlines.of(ctx.services, complaint, complaint.created_at).resolve_by)
    return [Text(say(ctx, "filed", code=complaint.code, unit=content.unit_name(category.unit, ctx.lang),
                     status=content.status_label(complaint.status, ctx.lang), resolve_days=category.resolve_days,
                     reply_by=reply_by))]


# --- the conversation, one step a row ------------------------------------------------------------------
STEPS: dict[str, Step] = {
    "category": Step(ask_category, on_category, next="details"),
    "details": Step(ask_details, on_details, next="evidence", attachments=True),
    "evidence": Step(ask_evidence, on_evidence, next="identity", attachments=True),
    "identity": Step(asking("ask_identity", "btn_anonymous", "btn_named"), on_identity, next="consent"),
    "consent": Step(asking("ask_consent", "btn_consent", "btn_no_consent"), on_consent, next="name"),
    "name": Step(asking("ask_name"), on_name, next="phone"),
    "phone": Step(asking("ask_phone"), on_phone, next="confirm"),
    "confirm": Step(summary, on_confirm),
}


def named_category(ctx: Context) -> Category | None:
    """The category the understanding layer found in the message, unless the message is one of the
    menu buttons that only open the flow ("ร้องเรียน/แจ้งทุจริต" asks which category)."""
    content = cc.of(ctx.services)
    named = ctx.understood.entities.get("category")
    if content.is_word("generic", ctx.message.utterance) or named not in {c.id for c in content.categories}:
        return None
    return content.category(named)


def is_first_detail(ctx: Context) -> bool:
    """ "อยากแจ้งว่ามีเจ้าหน้าที่เรียกรับเงินค่ะ" already tells what happened: it is kept, not asked again."""
    content, text = cc.of(ctx.services), (ctx.message.utterance or "").strip()
    return (ctx.understood.entities.get("complaint") == "wrong" and not content.is_word("generic", text)
            and not content.category_named(text) and len(cc.squash(text)) > FIRST_DETAIL_CHARS
            and not reporting.restates(ctx, text))


class ComplaintFlow:
    """Runs `STEPS`: reads the draft, hands the message to its step's handler, and carries out the
    outcome (the only place the conversation's step changes)."""

    name = NAME

    def start(self, ctx: Context) -> list[Reply]:
        m = ctx.message
        if service.limit_reached(ctx.services, m.channel, m.user_id, ctx.now):
            return [Text(say(ctx, "rate_limited", limit=ctx.services.settings.complaint_daily_limit))]
        category = named_category(ctx)
        draft = Draft(opened=ctx.now.timestamp(), lang=ctx.lang)
        ctx.start_flow(NAME, "category")
        if is_first_detail(ctx):
            draft.details.append(m.utterance.strip())
        if category:
            draft.category = category.id
            return self.carry_out(ctx, draft, "category", Go())
        return self.carry_out(ctx, draft, "category", Stay(ask_category(ctx, draft)))

    def step(self, ctx: Context) -> list[Reply] | None:
        draft, at = Draft.load(ctx.flow["data"]), ctx.flow["step"]
        ctx.lang = draft.lang or ctx.lang  # begun in English, answered in English to the end
        return self.carry_out(ctx, draft, at, self.handle(ctx, draft, at))

    def handle(self, ctx: Context, draft: Draft, at: str) -> Outcome:
        """Cancel and back work at every step, and attachments wherever they come; the rest is the step's."""
        content = cc.of(ctx.services)
        text = (ctx.message.utterance or "").strip()
        if text and content.is_word("cancel", text):
            return End([Text(say(ctx, "cancelled"))], discard=True)
        if text and content.is_word("back", text):
            return Back()
        if ctx.message.media or ctx.message.location:
            return attachment(ctx, draft, at)
        if text and content.is_word("continue", text):
            return Stay(STEPS[at].prompt(ctx, draft))
        question = reporting.asked(ctx)
        if question == reporting.HESITANT:  # never a detail: reassured, and offered to stop
            return Stay(reporting.hesitation(ctx))
        if question:  # answered where the reporter is; the draft waits at this step
            return Stay([Text(reporting.answer_text(ctx, question))] + STEPS[at].prompt(ctx, draft))
        return STEPS[at].handle(ctx, draft, text)

    def carry_out(self, ctx: Context, draft: Draft, at: str, outcome: Outcome) -> list[Reply] | None:
        if isinstance(outcome, End):
            if outcome.discard:
                evidence.discard_draft(ctx.services, draft.key)
            ctx.end_flow()
            if outcome.forget:
                ctx.forget_state()
            ctx.owed.extend(outcome.owed)
            return outcome.replies
        replies: list[Reply] | None
        if isinstance(outcome, Go):
            draft.trail.append(at)
            at = outcome.to or STEPS[at].next
            replies = outcome.before + STEPS[at].prompt(ctx, draft)
        elif isinstance(outcome, Back):
            if draft.trail:
                at = draft.trail.pop()
            replies = STEPS[at].prompt(ctx, draft)
        elif isinstance(outcome, Stay):
            replies = outcome.replies
        else:
            replies = None
            if outcome.understood is not None:
                ctx.understood = outcome.understood
        ctx.flow["data"] = draft.dump()
        ctx.goto(at)
        return replies

    def aside(self, ctx: Context) -> list[Reply]:
        """After a question answered mid-complaint: one line saying the draft is still open and how to go on."""
        draft, at = Draft.load(ctx.flow["data"]), ctx.flow["step"]
        ctx.lang = draft.lang or ctx.lang
        key = "still_open_details" if at == "details" else "still_open"
        return [Text(say(ctx, key, count=len(draft.details)), STEPS[at].prompt(ctx, draft)[-1].quick_replies)]

    def expired(self, ctx: Context, old: dict) -> list[Reply]:
        key = (old.get("data") or {}).get("key")
        if key:
            evidence.discard_draft(ctx.services, key)
        return [Text(say(ctx, "expired"))]


FLOW = ComplaintFlow()

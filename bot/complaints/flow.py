"""The complaint conversation: category → details → evidence → identity (→ consent → name → phone) →
summary → filed, with back and cancel at every step.

The draft lives in the conversation state (evidence files in their own rows, see evidence.py); nothing
reaches staff until the reporter confirms. A message that plainly belongs to another topic ("เบอร์โทร
สำนักงาน") is answered normally and the draft waits where it was.
"""
from __future__ import annotations

import logging
import re
import uuid

from bot.core.conversation import Context, Understood
from bot.core.messages import Card, CardRow, QuickReply, Reply, Text
from bot.core.textcut import clip as cut
from bot.nlu.normalize import THAI_DIGITS

from . import content as cc
from .content import Category
from . import evidence, floodgate, service

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


def say(ctx: Context, key: str, **values: object) -> str:
    return cc.say(ctx.services, key, **values)


def buttons(ctx: Context, *keys: str) -> tuple[QuickReply, ...]:
    return tuple(QuickReply(say(ctx, k), say(ctx, k)) for k in keys)


def elsewhere(ctx: Context) -> bool:
    """Whether the message is plainly for another topic, to be answered without leaving the flow."""
    u = ctx.understood
    if u.coarse == "track":
        return bool(u.entities.get("code"))  # a pasted code is answered; "ติดตามเรื่อง" alone is not
    return u.coarse not in OWN_INTENTS and u.confidence >= MIN_CONFIDENCE


def question_kind(ctx: Context) -> str:
    """In the details step: "answer" (surely an information question), "ask" (could be either) or "detail".
    A message that reports a wrong or asks to complain is always a detail."""
    u = ctx.understood
    if u.entities.get("complaint") or u.coarse in OWN_INTENTS:
        return "answer" if u.coarse == "track" and u.entities.get("code") else "detail"
    text = cc.squash(ctx.message.utterance or "")
    asks = any(cc.squash(w) in text for w in cc.of(ctx.services).words["question"]) or "?" in text
    if not (asks and len(text) <= STORY_CHARS) and len(text) > SHORT_CHARS:
        return "detail"  # a statement is part of the story
    if not asks and not ctx.flow["data"]["details"] and u.confidence < ANSWER_CONFIDENCE:
        return "detail"  # the first words after choosing a topic tell the story, unless surely a question
    words = cc.of(ctx.services).words
    about_the_story = any(cc.squash(w) in text for w in words["story"])  # "ผอ.เขตรู้เรื่องนี้ไหม"
    if about_the_story:  # a question about the story could be either, whenever the bot has an answer to it
        return "ask" if u.intent != "fallback" else "detail"
    if u.confidence >= ANSWER_CONFIDENCE:
        return "answer"
    return "ask" if u.confidence >= MIN_CONFIDENCE else "detail"


def reread(ctx: Context, text: str) -> Understood:
    """The understanding of an earlier message of this user (the one we asked about)."""
    u = ctx.services.understander.understand(text)
    return Understood(u.intent, u.confidence, dict(u.entities), getattr(u, "normalized", ""))


def details_text(details: list[str]) -> str:
    return "\n".join(f"{n}. {clip(d)}" for n, d in enumerate(details, start=1))


def clip(text: str, limit: int = 120) -> str:
    return cut(text, limit, one_line=False)  # at a word boundary, never mid-word


def normalize_phone(text: str) -> str:
    digits = re.sub(r"[\s\-().]", "", text.translate(THAI_DIGITS))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    return digits


class ComplaintFlow:
    name = NAME

    # --- entering and leaving ---------------------------------------------------------------------------
    def start(self, ctx: Context) -> list[Reply]:
        m = ctx.message
        if service.limit_reached(ctx.services, m.channel, m.user_id, ctx.now):
            return [Text(say(ctx, "rate_limited", limit=ctx.services.settings.complaint_daily_limit))]
        category = self.named_category(ctx)
        ctx.start_flow(NAME, "category", {"key": str(uuid.uuid4()), "details": [], "trail": [],
                                          "opened": ctx.now.timestamp()})
        if self.is_first_detail(ctx):
            ctx.flow["data"]["details"].append(m.utterance.strip())
        if category:
            ctx.flow["data"]["category"] = category.id
            return self.enter(ctx, "details")
        return self.prompt(ctx, "category")

    def named_category(self, ctx: Context) -> Category | None:
        """The category the understanding layer found in the message, unless the message is one of the
        menu buttons that only open the flow ("ร้องเรียน/แจ้งทุจริต" asks which category)."""
        content = cc.of(ctx.services)
        named = ctx.understood.entities.get("category")
        if content.is_word("generic", ctx.message.utterance) or named not in {c.id for c in content.categories}:
            return None
        return content.category(named)

    def is_first_detail(self, ctx: Context) -> bool:
        """ "อยากแจ้งว่ามีเจ้าหน้าที่เรียกรับเงินค่ะ" already tells what happened: it is kept, not asked again."""
        content, text = cc.of(ctx.services), (ctx.message.utterance or "").strip()
        return (ctx.understood.entities.get("complaint") == "wrong" and not content.is_word("generic", text)
                and not content.category_named(text) and len(cc.squash(text)) > FIRST_DETAIL_CHARS)

    def aside(self, ctx: Context) -> list[Reply]:
        """After a question answered mid-complaint: one line saying the draft is still open and how to go on."""
        step = ctx.flow["step"]
        key = "still_open_details" if step == "details" else "still_open"
        return [Text(say(ctx, key, count=len(ctx.flow["data"]["details"])), self.prompt(ctx, step)[-1].quick_replies)]

    def expired(self, ctx: Context, old: dict) -> list[Reply]:
        key = (old.get("data") or {}).get("key")
        if key:
            evidence.discard_draft(ctx.services, key)
        return [Text(say(ctx, "expired"))]

    def cancel(self, ctx: Context) -> list[Reply]:
        evidence.discard_draft(ctx.services, ctx.flow["data"]["key"])
        ctx.end_flow()
        return [Text(say(ctx, "cancelled"))]

    # --- moving between steps ---------------------------------------------------------------------------
    def enter(self, ctx: Context, step: str) -> list[Reply]:
        ctx.flow["data"]["trail"].append(ctx.flow["step"])
        ctx.goto(step)
        return self.prompt(ctx, step)

    def back(self, ctx: Context) -> list[Reply]:
        trail = ctx.flow["data"]["trail"]
        if trail:
            ctx.goto(trail.pop())
        return self.prompt(ctx, ctx.flow["step"])

    def prompt(self, ctx: Context, step: str) -> list[Reply]:
        data = ctx.flow["data"]
        content = cc.of(ctx.services)
        nav = buttons(ctx, "btn_back", "btn_cancel")
        if step == "category":
            cats = tuple(QuickReply(c.label, c.label) for c in content.categories)
            if data["details"]:  # back from the details: show what is kept, and offer to clear it
                return [Text(say(ctx, "ask_category_again", count=len(data["details"]),
                                 details=details_text(data["details"])),
                             cats + buttons(ctx, "btn_clear_details", "btn_cancel"))]
            return [Text(say(ctx, "ask_category"), cats + buttons(ctx, "btn_cancel"))]
        if step == "details":
            label = content.category(data["category"]).label
            if data["details"]:
                return [Text(say(ctx, "ask_details_kept", category=label, count=len(data["details"]),
                                 details=details_text(data["details"])), buttons(ctx, "btn_done") + nav)]
            return [Text(say(ctx, "ask_details", category=label), buttons(ctx, "btn_done") + nav)]
        if step == "evidence":
            limits = content.limits
            first = "btn_done" if evidence.draft_count(ctx.services, data["key"]) or data.get("location") \
                else "btn_skip"
            return [Text(say(ctx, "ask_evidence", max_files=limits.evidence_files, max_mb=limits.evidence_mb),
                         buttons(ctx, first) + nav)]
        if step == "identity":
            return [Text(say(ctx, "ask_identity"), buttons(ctx, "btn_anonymous", "btn_named") + nav)]
        if step == "consent":
            return [Text(say(ctx, "ask_consent"), buttons(ctx, "btn_consent", "btn_no_consent") + nav)]
        if step == "name":
            return [Text(say(ctx, "ask_name"), nav)]
        if step == "phone":
            return [Text(say(ctx, "ask_phone"), nav)]
        return [self.summary(ctx)]

    def summary(self, ctx: Context) -> Card:
        data = ctx.flow["data"]
        details = clip("\n".join(data["details"]), SUMMARY_DETAILS)
        count = evidence.draft_count(ctx.services, data["key"])
        proof = say(ctx, "evidence_count", count=count) if count else say(ctx, "no_evidence")
        if data.get("location"):
            proof += f" + {say(ctx, 'label_location')}"
        reporter = (say(ctx, "named", name=data["name"], phone=data["phone"]) if data.get("anonymous") is False
                    else say(ctx, "anonymous"))
        rows = (CardRow(say(ctx, "label_category"), cc.of(ctx.services).category(data["category"]).label),
                CardRow(say(ctx, "label_details"), details),
                CardRow(say(ctx, "label_evidence"), proof),
                CardRow(say(ctx, "label_reporter"), reporter))
        title, footer = say(ctx, "summary_title"), say(ctx, "summary_footer")
        alt = "\n".join([title] + [f"{r.label}: {r.value}" for r in rows] + [footer])
        return Card(title=title, alt_text=alt, rows=rows, footer=footer,
                    quick_replies=buttons(ctx, "btn_confirm", "btn_back", "btn_cancel"))

    # --- one message ------------------------------------------------------------------------------------
    def step(self, ctx: Context) -> list[Reply] | None:
        content = cc.of(ctx.services)
        text = (ctx.message.utterance or "").strip()
        if text and content.is_word("cancel", text):
            return self.cancel(ctx)
        if text and content.is_word("back", text):
            return self.back(ctx)
        if ctx.message.media or ctx.message.location:
            return self.attachment(ctx)
        return getattr(self, f"on_{ctx.flow['step']}")(ctx, text)

    def on_category(self, ctx: Context, text: str) -> list[Reply] | None:
        content, data = cc.of(ctx.services), ctx.flow["data"]
        if data["details"] and content.is_word("clear_details", text):
            data["details"] = []
            return [Text(say(ctx, "details_cleared"))] + self.prompt(ctx, "category")
        if elsewhere(ctx) and not content.category_named(text):
            return None  # "ขอคู่มือย้ายครู" is a question to answer, not the category "สถานศึกษา"
        category = self.named_category(ctx) or (None if content.is_word("generic", text)
                                                else content.category_in(text))
        if category:
            before = data.get("category")
            data["category"] = category.id
            moved = self.unit_change(ctx, before, category)
            return moved + self.enter(ctx, "details")
        return [Text(say(ctx, "category_unclear"), self.prompt(ctx, "category")[0].quick_replies)]

    def unit_change(self, ctx: Context, before: str | None, after: Category) -> list[Reply]:
        """A report moved to a category of another unit (a corruption report to "การให้บริการ") says so:
        it will no longer reach the integrity unit."""
        content = cc.of(ctx.services)
        if not before or before == after.id or content.category(before).unit == after.unit:
            return []
        return [Text(say(ctx, "unit_changed", before=content.units[content.category(before).unit].name,
                         after=content.units[after.unit].name, category=after.label))]

    def on_details(self, ctx: Context, text: str) -> list[Reply] | None:
        content = cc.of(ctx.services)
        data, limits = ctx.flow["data"], content.limits
        nav = buttons(ctx, "btn_done", "btn_back", "btn_cancel")
        pending = data.pop("pending", None)
        if pending is not None and content.is_word("add_yes", text):
            text = pending
        elif pending is not None and content.is_word("add_no", text):
            ctx.understood = reread(ctx, pending)  # answered as the question it was
            return None
        elif content.is_word("add_yes", text) or content.is_word("add_no", text) or \
                content.is_word("clear_details", text):
            return self.prompt(ctx, "details")  # a stale button: nothing was waiting for it
        elif content.is_word("done", text):
            if pending is not None:  # moving on without answering: the message was for the complaint
                data["details"].append(pending)
            if not data["details"]:
                return [Text(say(ctx, "details_empty"), buttons(ctx, "btn_back", "btn_cancel"))]
            return self.enter(ctx, "evidence")
        if not text:
            return [Text(say(ctx, "details_empty"), nav)]
        if text != pending:
            kind = question_kind(ctx)
            if kind == "answer":
                return None  # answered by its handler, then `aside` says the complaint is still open
            if kind == "ask":
                data["pending"] = text
                return [Text(say(ctx, "ask_add_detail", text=clip(text)), buttons(ctx, "btn_add_yes", "btn_add_no")
                             + buttons(ctx, "btn_cancel"))]
        if len(text) > limits.detail_chars:
            return [Text(say(ctx, "details_too_long", length=len(text), limit=limits.detail_chars), nav)]
        if sum(len(d) for d in data["details"]) + len(text) > limits.details_total_chars:
            return [Text(say(ctx, "details_full", limit=limits.details_total_chars), nav)]
        data["details"].append(text)
        return [Text(say(ctx, "details_more", count=len(data["details"])), nav)]

    def on_evidence(self, ctx: Context, text: str) -> list[Reply] | None:
        content = cc.of(ctx.services)
        if content.is_word("done", text) or content.is_word("skip", text):
            return self.enter(ctx, "identity")
        if elsewhere(ctx):
            return None
        return self.prompt(ctx, "evidence")

    def attachment(self, ctx: Context) -> list[Reply]:
        """A photo, file or location, taken at the details and evidence steps alike."""
        data, limits, m = ctx.flow["data"], cc.of(ctx.services).limits, ctx.message
        here = buttons(ctx, "btn_done", "btn_back", "btn_cancel")
        if ctx.flow["step"] not in ("details", "evidence"):
            return [Text(say(ctx, "media_not_now"), self.prompt(ctx, ctx.flow["step"])[-1].quick_replies)]
        if m.location:
            loc = m.location
            data["location"] = {"latitude": loc.latitude, "longitude": loc.longitude, "title": loc.title,
                                "address": loc.address}
            return [Text(say(ctx, "location_saved"), here)]
        try:
            count = evidence.keep(ctx.services, data["key"], m.channel, m.media, ctx.now)
        except evidence.Refused as refused:
            types = ", ".join(dict.fromkeys(limits.evidence_types.values()))
            return [Text(say(ctx, refused.key, max_mb=limits.evidence_mb, max_files=limits.evidence_files,
                             types=types), here)]
        return [Text(say(ctx, "evidence_saved", count=count, max_files=limits.evidence_files), here)]

    def on_identity(self, ctx: Context, text: str) -> list[Reply] | None:
        content, data = cc.of(ctx.services), ctx.flow["data"]
        if content.is_word("anonymous", text):
            data.update(anonymous=True, name=None, phone=None)
            return self.enter(ctx, "confirm")
        if content.is_word("named", text):
            return self.enter(ctx, "consent")
        return self.unclear(ctx, "identity_unclear", "identity")

    def on_consent(self, ctx: Context, text: str) -> list[Reply] | None:
        content, data = cc.of(ctx.services), ctx.flow["data"]
        if content.is_word("consent", text):
            return self.enter(ctx, "name")
        if content.is_word("no_consent", text):
            data.update(anonymous=True, name=None, phone=None)
            return self.enter(ctx, "confirm")
        return self.unclear(ctx, "consent_unclear", "consent")

    def on_name(self, ctx: Context, text: str) -> list[Reply] | None:
        limit = cc.of(ctx.services).limits.name_chars
        name = " ".join(text.split())
        if not (2 <= len(name) <= limit) or not any(ch.isalpha() for ch in name):
            return [Text(say(ctx, "name_invalid", limit=limit), buttons(ctx, "btn_back", "btn_cancel"))]
        ctx.flow["data"]["name"] = name
        return self.enter(ctx, "phone")

    def on_phone(self, ctx: Context, text: str) -> list[Reply] | None:
        phone = normalize_phone(text)
        if not PHONE.match(phone):
            return [Text(say(ctx, "phone_invalid"), buttons(ctx, "btn_back", "btn_cancel"))]
        ctx.flow["data"].update(phone=phone, anonymous=False)
        return self.enter(ctx, "confirm")

    def on_confirm(self, ctx: Context, text: str) -> list[Reply] | None:
        if cc.of(ctx.services).is_word("confirm", text):
            return self.file(ctx)
        return self.unclear(ctx, "confirm_unclear", "confirm")

    def unclear(self, ctx: Context, key: str, step: str) -> list[Reply] | None:
        if elsewhere(ctx):
            return None
        return [Text(say(ctx, key), self.prompt(ctx, step)[-1].quick_replies)]

    # --- filing -----------------------------------------------------------------------------------------
    def file(self, ctx: Context) -> list[Reply]:
        m, data = ctx.message, ctx.flow["data"]
        refused = floodgate.refusal(ctx.services, m.channel, data.get("opened"), ctx.now)
        if refused == "confirm_too_soon":
            return [Text(say(ctx, refused), buttons(ctx, "btn_confirm", "btn_back", "btn_cancel"))]
        if refused:
            evidence.discard_draft(ctx.services, data["key"])
            ctx.end_flow()
            return [Text(say(ctx, refused, limit=cc.of(ctx.services).limits.web_complaints_per_address_per_day))]
        try:
            complaint = service.file_complaint(ctx.services, service.Draft.from_state(data), m.channel, m.user_id,
                                               ctx.now, receipt=lambda c: self.filed(ctx, c))
        except service.RateLimited as exc:
            evidence.discard_draft(ctx.services, data["key"])
            ctx.end_flow()
            return [Text(say(ctx, "rate_limited", limit=exc.limit))]
        except Exception as exc:  # the type only: the message would quote the draft (SQL parameters)
            log.error("filing a complaint failed: %s", type(exc).__name__)
            return [Text(say(ctx, "save_failed"), buttons(ctx, "btn_confirm", "btn_cancel"))]
        floodgate.count_filed(ctx.services, m.channel)
        ctx.end_flow()
        ctx.forget_state()  # no row left whose time matches the complaint's
        ctx.owed.extend(i for i in [service.receipt_id(ctx.services, complaint)] if i is not None)
        return self.filed(ctx, complaint)

    def filed(self, ctx: Context, complaint) -> list[Reply]:
        """The receipt: written with the complaint (owed until delivered) and answered in the chat."""
        content = cc.of(ctx.services)
        category = content.category(complaint.category)
        return [Text(say(ctx, "filed", code=complaint.code, unit=content.units[category.unit].name,
                         status=content.status_label(complaint.status), resolve_days=category.resolve_days))]


FLOW = ComplaintFlow()

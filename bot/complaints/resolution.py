"""The reporter's answer to a resolution: a rating of the handling (1–5, then an optional comment) or
"ยังไม่ได้รับการแก้ไข", which within `limits.reopen_days` reopens the case and alerts its unit.

The resolution notice's buttons send the code with the answer ("ให้คะแนน 5 เรื่อง SV-7K3M-Q9TD"), so the
answer names its case even days later, in a conversation that has moved on; "ยังไม่ได้รับการแก้ไข" typed
alone means the account's latest resolved case. Only the reporter's own account can answer
(`notifier.is_reporter`), and an unknown code gets the same answer as someone else's.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.conversation import Context, for_another_topic
from bot.core.messages import Reply, Text
from bot.core.tracking_codes import find_code, pattern
from bot.outbox import rows as outbox_rows
from bot.outbox import worker as outbox_worker
from bot.outbox.rows import pack
from bot.thaitime import local, thai_date

from . import alerts, service
from . import content as cc
from .content import CLOSED, squash
from .notifier import reopen_until
from .models import Complaint, ComplaintEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.services import Services

NAME = "case_rating"
CODE_TEXT = pattern(parts=False)
OWN_INTENTS = {"feedback", "fallback", "media", "track"}


# --- alerts to the unit handling a case ------------------------------------------------------------------
def alert_unit(services: Services, session: Session, complaint: Complaint, unit_key: str, text_key: str,
               subject_key: str, now: datetime, **values) -> int:
    """Queue an alert about a case to a unit's targets: the code, category and console link only (a
    corruption report's unit is an integrity unit, whose targets never fall back to the general ones)."""
    content = cc.of(services)
    text = cc.say(services, text_key, code=complaint.code, category=content.category_label(complaint.category),
                  link=alerts.console_link(services, complaint.code), **values)
    subject = cc.say(services, subject_key, code=complaint.code)
    line_ids, emails = alerts.unit_targets(services, unit_key)
    for to in line_ids:
        outbox_rows.enqueue(session, "line", to, pack([Text(text)]), purpose="staff_alert", ref=complaint.code,
                            now=now)
    for to in emails:
        outbox_rows.enqueue(session, "email", to, {"subject": subject, "body": text}, purpose="staff_alert",
                            ref=complaint.code, now=now)
    return len(line_ids) + len(emails)


# --- the reporter's answers ------------------------------------------------------------------------------
def _without_code(text: str) -> str:
    return squash(CODE_TEXT.sub(" ", text or ""))


def rating_asked(services: Services, text: str) -> int | None:
    """The rating a resolution button sent ("ให้คะแนน 4 เรื่อง CODE"), if the text is one."""
    rest = _without_code(text)
    return next((n for n in range(1, 6) if rest == squash(cc.say(services, "rate_case", rating=n, code=""))), None)


def says_not_solved(services: Services, text: str) -> bool:
    rest = _without_code(text)
    return rest in (squash(cc.say(services, "not_solved_case", code="")), squash(cc.say(services, "btn_not_solved")))


def latest_resolved(services: Services, channel: str, user_id: str) -> str | None:
    return next((c.code for c in service.filed_by(services, channel, user_id) if c.status == "resolved"), None)


def rate(services: Services, complaint: Complaint, rating: int, now: datetime) -> None:
    with services.db.session() as s:
        row = s.get(Complaint, complaint.id)
        row.rating, row.rated_at, row.rating_comment = rating, now, None


def comment(services: Services, code: str, text: str) -> None:
    with services.db.session() as s:
        row = service.load(s, code)
        if row is not None:
            row.rating_comment = text


class Refused(Exception):
    """Why a case cannot be reopened: the text key to answer with, and its values."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def reopen(services: Services, code: str, now: datetime) -> Complaint:
    """Back to in_progress with a history step, one more reopening counted and the unit alerted, all in one
    commit; Refused when it is not resolved or was resolved more than `reopen_days` ago."""
    content = cc.of(services)
    with services.db.session() as s:
        complaint = service.load(s, code)
        if complaint.status != "resolved" or complaint.closed_at is None:
            raise Refused("reopen_not_resolved", code=complaint.code,
                          status=content.status_label(complaint.status))
        if now > reopen_until(services, complaint):
            raise Refused("reopen_too_late", code=complaint.code, reopen_days=content.limits.reopen_days,
                          closed=thai_date(local(complaint.closed_at).date()))
        complaint.status, complaint.closed_at, complaint.updated_at = "in_progress", None, now
        complaint.reopened = (complaint.reopened or 0) + 1
        complaint.events.append(ComplaintEvent(status="in_progress", note=cc.say(services, "reopen_note"),
                                               created_at=now))
        alert_unit(services, s, complaint, content.unit_key(complaint), "reopen_alert", "reopen_alert_subject",
                   now, count=complaint.reopened)
    outbox_worker.kick(services)
    return complaint


def answer(ctx: Context) -> list[Reply] | None:
    """Run before flows and handlers (router.before): the answer to a resolution notice, or None."""
    m, services = ctx.message, ctx.services
    text = (m.utterance or "").strip()
    if m.group or not text:
        return None
    rating = rating_asked(services, text)
    not_solved = rating is None and says_not_solved(services, text)
    if rating is None and not not_solved:
        return None
    if ctx.flow and not find_code(text):
        return None  # typed inside another conversation (a complaint's details, say): that flow's words
    say = lambda key, **v: cc.say(services, key, **v)  # noqa: E731
    code = find_code(text) or (latest_resolved(services, m.channel, m.user_id) if not_solved else None)
    complaint = service.for_reporter(services, code, m.channel, m.user_id) if code else None
    if complaint is None:
        return [Text(say("reopen_none" if not_solved and not find_code(text) else "not_found"))]
    if rating is not None:
        if complaint.status not in CLOSED:
            return [Text(say("case_not_closed", code=complaint.code))]
        rate(services, complaint, rating, ctx.now)
        ctx.start_flow(NAME, "comment", {"code": complaint.code})
        return [Text(say("case_rated", rating=rating, code=complaint.code), cc.buttons(ctx, "btn_no_comment"))]
    try:
        reopened = reopen(services, complaint.code, ctx.now)
    except Refused as no:
        return [Text(say(no.key, **no.values))]
    content = cc.of(services)
    return [Text(say("reopened", code=reopened.code, unit=content.units[content.unit_key(reopened)].name,
                     status=content.status_label(reopened.status)))]


class CaseRatingFlow:
    """After a case was rated: one optional comment, kept with the complaint."""

    name = NAME

    def start(self, ctx: Context) -> list[Reply]:  # started by `answer`, never by an intent
        return []

    def step(self, ctx: Context) -> list[Reply] | None:
        content = cc.of(ctx.services)
        text = (ctx.message.utterance or "").strip()
        code = ctx.flow["data"]["code"]
        if content.is_word("skip", text) or content.is_word("cancel", text):
            ctx.end_flow()
            return [Text(cc.say(ctx.services, "case_comment_thanks"))]
        if not text or for_another_topic(ctx.understood, OWN_INTENTS, min_confidence=0.8):
            ctx.end_flow()
            return None  # something else: answered as usual
        limit = content.limits.comment_chars
        if len(text) > limit:
            return [Text(cc.say(ctx.services, "comment_too_long", limit=limit), cc.buttons(ctx, "btn_no_comment"))]
        comment(ctx.services, code, text)
        ctx.end_flow()
        return [Text(cc.say(ctx.services, "case_comment_thanks"))]

    def expired(self, ctx: Context, old: dict) -> list[Reply]:
        return []  # the rating is kept already


FLOW = CaseRatingFlow()

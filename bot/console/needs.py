"""What needs a person now, for the console's home page: per role, a count and the page that works it
(new cases, overdue ones, chats waiting, corruption reports nobody was alerted about, questions the bot
could not answer). Each count comes from the same query as the page its link opens."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import url_for
from sqlalchemy import func, select

from . import inbox
from .people import Person

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Need:
    key: str
    label: str
    count: int
    url: str


def open_cases(services: Services, who: Person) -> tuple[int, int]:
    """(new cases not yet acknowledged, overdue cases) among those `who` may see."""
    rows = inbox.search(services, who, inbox.Filters())
    return (sum(c.status == "received" for c, _ in rows), sum(d.overdue for _, d in rows))


def chats_waiting(services: Services) -> int:
    from bot.livechat.models import WAITING, LiveChat

    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(LiveChat).where(LiveChat.status == WAITING)) or 0


def unanswered_questions(services: Services) -> int:
    """Open groups of questions, as the page lists them (new questions grouped first)."""
    from bot.office_answers import store

    with services.db.session() as s:
        return len(store.groups(s, examples=0))


CASE_ROLES = ("admin", "staff", "integrity")  # who works complaints (an editor of content does not)


def for_person(services: Services, who: Person) -> list[Need]:
    needs = []
    if who.role in CASE_ROLES:
        new, overdue = open_cases(services, who)
        needs += [Need("new", "เรื่องร้องเรียนใหม่ที่ยังไม่รับเรื่อง", new,
                       url_for("console_complaints.index", status="received")),
                  Need("overdue", "เรื่องที่เกินกำหนด", overdue, url_for("console_complaints.index", overdue=1))]
    if who.sees_general():
        needs.append(Need("chats", "ผู้ที่รอคุยกับเจ้าหน้าที่", chats_waiting(services), url_for("console_livechat.index")))
    if who.sees_corruption():
        needs.append(Need("unrouted", "เรื่องทุจริตที่ยังไม่ได้แจ้งใคร", len(inbox.unrouted_reports(services)),
                          url_for("console_complaints.index") + "#unrouted"))
    if who.sees_general():
        needs.append(Need("unanswered", "คำถามที่บอตยังตอบไม่ได้", unanswered_questions(services),
                          url_for("console_unanswered.index")))
    return needs

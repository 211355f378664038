"""The reporter's side: the one module that reads or writes `ComplaintReporter` and `ComplaintContact`.

It records who filed a complaint (a keyed hash, and the sealed address for notices), answers "is this
person the reporter?" for tracking, the reporter's own list and the daily limit, and tells the reporter
about status changes. Staff views never come through here, which is what keeps an anonymous report
anonymous.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.channels.platforms import DeliveryError
from bot.core.messages import Image, QuickReply, Reply, Text
from bot.thaitime import local, thai_date
from bot.storage.prepared import Prepared

from . import content as cc
from bot.outbox import rows as outbox_rows

from .content import CLOSED
from .models import Complaint, ComplaintContact, ComplaintReporter
from .reporter_keys import account_hash, seal, unseal

if TYPE_CHECKING:
    from bot.services import Services


def link(services: Services, session: Session, complaint: Complaint, channel: str, user_id: str,
         now: datetime) -> None:
    settings = services.settings
    session.add(ComplaintReporter(complaint_id=complaint.id, account_hash=account_hash(settings, channel, user_id),
                                  created_at=now))
    session.add(ComplaintContact(complaint_id=complaint.id, channel=channel, sealed=seal(settings, user_id)))


def is_reporter(services: Services, session: Session, complaint_id: int, channel: str, user_id: str) -> bool:
    row = session.get(ComplaintReporter, complaint_id)
    return row is not None and row.account_hash == account_hash(services.settings, channel, user_id)


class Filed(NamedTuple):
    """One of the reporter's own complaints, as their list shows it."""
    code: str
    category: str
    status: str
    created_at: datetime


# Read when a complaint is started (the daily limit) and when tracking starts (the list): named Core
# statements (bot/storage/prepared.py).
_REPORTER, _COMPLAINT = ComplaintReporter.__table__, Complaint.__table__
_BY_ACCOUNT = _REPORTER.c.account_hash == bindparam("b_account")
_SINCE = bindparam("b_since", type_=_REPORTER.c.created_at.type)
_FILED_SINCE = Prepared(select(func.count()).select_from(_REPORTER)
                        .where(_BY_ACCOUNT, _REPORTER.c.created_at >= _SINCE))
_FILED_BY = Prepared(select(*(_COMPLAINT.c[name] for name in Filed._fields))
                     .join_from(_COMPLAINT, _REPORTER, _REPORTER.c.complaint_id == _COMPLAINT.c.id).where(_BY_ACCOUNT)
                     .order_by(_COMPLAINT.c.created_at.desc(), _COMPLAINT.c.id.desc()).limit(bindparam("b_limit")))


def filed_since(services: Services, conn: Connection, channel: str, user_id: str, since: datetime) -> int:
    account = account_hash(services.settings, channel, user_id)
    return _FILED_SINCE.first(conn, {"b_account": account, "b_since": since})[0] or 0


def filed_by(services: Services, conn: Connection, channel: str, user_id: str, limit: int = 10) -> list[Filed]:
    """The complaints this account filed, newest first (the reporter's own list of codes)."""
    account = account_hash(services.settings, channel, user_id)
    return [Filed._make(row) for row in _FILED_BY.all(conn, {"b_account": account, "b_limit": limit})]


def forget(services: Services, session: Session, complaint_ids: list[int]) -> list[tuple[str, str]]:
    """Remove the reporters' links; returns their (channel, user id) accounts, so that retention can
    remove what else the bot kept under those accounts (conversation state, web inbox)."""
    if not complaint_ids:
        return []
    contacts = list(session.scalars(select(ComplaintContact).where(ComplaintContact.complaint_id.in_(complaint_ids))))
    accounts = [(c.channel, user_id) for c in contacts if (user_id := unseal(services.settings, c.sealed))]
    session.execute(delete(ComplaintContact).where(ComplaintContact.complaint_id.in_(complaint_ids)))
    session.execute(delete(ComplaintReporter).where(ComplaintReporter.complaint_id.in_(complaint_ids)))
    return accounts


def reporter_account(services: Services, complaint_id: int) -> tuple[str, str]:
    """(channel, user id) to push to; the link is gone once personal data was purged."""
    with services.db.session() as s:
        row = s.get(ComplaintContact, complaint_id)
        if row is None:
            raise DeliveryError(f"complaint {complaint_id} has no reporter account (anonymised)", retryable=False)
        user_id = unseal(services.settings, row.sealed)
        if user_id is None:
            raise DeliveryError(f"complaint {complaint_id}: reporter link sealed with another REPORTER_KEY",
                                retryable=False)
        return row.channel, user_id


def reopen_until(services: Services, complaint: Complaint) -> datetime:
    """Until when the reporter may say a resolved case is not solved."""
    return complaint.closed_at + timedelta(days=cc.of(services).limits.reopen_days)


def answer_buttons(services: Services, code: str) -> tuple[QuickReply, ...]:
    """Ratings 5 to 1 and "not solved", each sending the code with the answer (resolution.py reads it)."""
    say = lambda key, **v: cc.say(services, key, **v)  # noqa: E731
    rates = tuple(QuickReply(say(f"rating_{n}"), say("rate_case", rating=n, code=code)) for n in range(5, 0, -1))
    return rates + (QuickReply(say("btn_not_solved"), say("not_solved_case", code=code)),)


def resolved_message(services: Services, complaint: Complaint, note: str | None,
                     photo_url: str | None = None) -> list[Reply]:
    """The staff's note, the photo of the result where the channel can show one, and the question: a
    rating, or "not solved" until the reopening window closes."""
    say = lambda key, **v: cc.say(services, key, **v)  # noqa: E731
    head = say("resolved_notice", code=complaint.code, note=note) if note else \
        say("resolved_notice_no_note", code=complaint.code)
    until = thai_date(local(reopen_until(services, complaint)).date())
    ask = say("resolved_ask_rating", reopen_days=cc.of(services).limits.reopen_days, until=until)
    photo = [Image(photo_url, photo_url, say("resolved_photo_alt", code=complaint.code) + f": {photo_url}")] \
        if photo_url else []  # a channel that cannot show it (LINE without https) gets the alt text, a link
    return [Text(head), *photo, Text(ask, answer_buttons(services, complaint.code))]


def status_message(services: Services, complaint: Complaint, note: str | None,
                   photo_url: str | None = None) -> list[Reply]:
    say = lambda key, **v: cc.say(services, key, **v)  # noqa: E731
    if complaint.status == "resolved":
        return resolved_message(services, complaint, note, photo_url)
    lines = [say("status_changed", code=complaint.code, status=cc.of(services).status_label(complaint.status))]
    if note:
        lines.append(say("status_note", note=note))
    replies = [Text("\n".join(lines))]
    if complaint.status in CLOSED:
        replies.append(Text(say("status_closed_feedback"),
                            (QuickReply(say("btn_feedback"), say("btn_feedback")),)))
    return replies


def notify_status(services: Services, session: Session, complaint: Complaint, note: str | None,
                  now: datetime, photo_url: str | None = None) -> None:
    """Queue the status notice in the caller's transaction; delivered by the outbox."""
    notify(services, session, complaint, status_message(services, complaint, note, photo_url), now)


def notify(services: Services, session: Session, complaint: Complaint, replies: list[Reply], now: datetime,
           purpose: str = "status") -> None:
    """Queue a notice to the complaint's reporter in the caller's transaction (the row names the complaint,
    never the account, which `send_row` opens at send time)."""
    if session.get(ComplaintContact, complaint.id) is None:
        return  # nobody to tell (personal data already purged)
    payload = outbox_rows.pack([r for r in replies if isinstance(r, Text)])
    images = [{"at": i, "url": r.url, "alt": r.alt_text} for i, r in enumerate(replies) if isinstance(r, Image)]
    if images:  # rows.pack keeps texts only; `send_row` puts the pictures back in place
        payload["images"] = images
    outbox_rows.enqueue(session, "reporter", str(complaint.id), payload, purpose=purpose, ref=complaint.code, now=now)


def send_row(services: Services, row) -> None:
    """An outbox row for a complaint's reporter (target: the complaint's id): the account is opened only
    now, so the row never holds it."""
    from bot.channels.outbound import push

    channel, user_id = reporter_account(services, int(row.target))
    replies: list[Reply] = list(outbox_rows.unpack(row.payload))
    for image in row.payload.get("images", []):
        replies.insert(image["at"], Image(image["url"], image["url"], image["alt"]))
    push(services, channel, user_id, replies, retry_key=row.retry_key)

"""The outbox's rows: messages written in the same transaction as the change they announce, then delivered
(by worker.py or the sending pool) and retried with the shared backoff until the platform or mail server
accepts them.

So an outage of LINE or of the mail server delays an alert but never loses it, and a crash between the
commit and the send leaves a pending row for the worker. Several processes may deliver at once (the
background attempt after a commit, `python -m bot outbox run`, several web workers): a row is claimed
with a conditional UPDATE (a lease), so only one of them sends it.

Chat answers that could not be delivered at once (the platform failed, timed out or the reply token was
spent) are queued here too, as pushes with their own retry key; so is the receipt that gives a tracking
code, written with the complaint itself.

This module is the outbox's bottom layer: the rows, how a message is packed into a row, and when a failed
one is tried again. It imports nothing that sends (senders.py and worker.py sit on it).
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from bot.core.backoff import Backoff
from bot.core.messages import QuickReply, Text
from bot.storage import utcnow
from bot.storage.prepared import Bound, Prepared

from .models import OutboxMessage

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# Once sent, a row forgets what it said, and an answer whom it said it to: a chat answer may carry a tracking
# code or a report's details, and its target is the platform's id of an anonymous reporter. Sent rows
# themselves are deleted after SENT_KEPT by both purges (housekeeping, personal data).
SENT_KEPT = timedelta(days=1)
RETRY = Backoff(base=10, most=3600)  # 10 s, 20 s, 40 s, ... at most an hour between tries
LEASE = timedelta(minutes=2)  # longer than any one send, so a crashed sender's claim runs out
Outcome = Literal["sent", "retrying", "failed"]


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=RETRY.delay(attempts))


def pack(replies: list[Text]) -> dict:
    """Chat replies as a row's payload (JSON)."""
    return {"texts": [{"text": r.text, "quick_replies": [[q.label, q.text] for q in r.quick_replies]}
                      for r in replies]}


def unpack(payload: dict) -> list[Text]:
    return [Text(t["text"], tuple(QuickReply(label, text) for label, text in t.get("quick_replies", [])))
            for t in payload.get("texts", [])]


def enqueue(session: Session, channel: str, target: str, payload: dict, purpose: str, ref: str | None = None,
            now: datetime | None = None, due: datetime | None = None) -> OutboxMessage:
    """A row created `now` (the clock the caller reckons with), first tried at `due` (default: now)."""
    now = now or utcnow()
    row = OutboxMessage(channel=channel, target=target, payload=payload, purpose=purpose, ref=ref,
                        next_attempt_at=due or now, created_at=now, retry_key=str(uuid.uuid4()))
    session.add(row)
    return row


_TABLE = OutboxMessage.__table__
# `enqueue`'s row, leased to its writer: a named statement (bot/storage/prepared.py), run on the chat hot path.
_INSERT_LEASED = Prepared(insert(_TABLE).values(
    channel=bindparam("b_channel", type_=_TABLE.c.channel.type),
    target=bindparam("b_target", type_=_TABLE.c.target.type),
    payload=bindparam("b_payload", type_=_TABLE.c.payload.type),
    purpose=bindparam("b_purpose", type_=_TABLE.c.purpose.type),
    ref=bindparam("b_ref", type_=_TABLE.c.ref.type),
    next_attempt_at=bindparam("b_until", type_=_TABLE.c.next_attempt_at.type),
    locked_until=bindparam("b_until", type_=_TABLE.c.locked_until.type),
    created_at=bindparam("b_now", type_=_TABLE.c.created_at.type),
    retry_key=bindparam("b_retry_key", type_=_TABLE.c.retry_key.type),
    status="pending", attempts=0,
).returning(_TABLE.c.id))


@dataclass(frozen=True)
class LeasedRow:
    """`enqueue`'s row for a writer about to send it itself: no other sender takes it before `until` (when it
    is first due). Made before the transaction that inserts it, its retry key drawn then."""

    insert_row: Bound
    retry_key: str

    def insert(self, conn: Connection) -> tuple[int, str]:
        """The row inserted; its id and retry key."""
        (row_id,) = self.insert_row.first(conn)
        return row_id, self.retry_key


def leased_row(dialect: Dialect, channel: str, target: str, payload: dict, purpose: str, ref: str | None,
               now: datetime, until: datetime) -> LeasedRow:
    retry_key = str(uuid.uuid4())
    return LeasedRow(_INSERT_LEASED.bind(dialect, {
        "b_channel": channel, "b_target": target, "b_payload": payload, "b_purpose": purpose, "b_ref": ref,
        "b_until": until, "b_now": now, "b_retry_key": retry_key}), retry_key)


def settle(session: Session | Connection, row_ids, now: datetime, why: str) -> None:
    """Mark pending rows delivered by other means (their text went out with, or is queued in, an answer)."""
    if row_ids:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(list(row_ids)),
                                                    OutboxMessage.status == "pending")
                        .values(status="sent", sent_at=now, locked_until=None, last_error=why[:200], payload={})
                        .execution_options(synchronize_session=False))


def pending_id(session: Session, purpose: str, ref: str) -> int | None:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.purpose == purpose, OutboxMessage.ref == ref,
                                                         OutboxMessage.status == "pending"))


def due_now(services: Services, row_id: int, now: datetime, retry_after: float | None = None,
            payload: dict | None = None, error: str | None = None) -> None:
    """Hand an answer the webhook could not deliver to the outbox senders: due at once, or after the
    platform's Retry-After; `payload` replaces what is left to send."""
    values: dict = {"next_attempt_at": now + timedelta(seconds=retry_after or 0), "locked_until": None}
    if payload is not None:
        values["payload"] = payload
    if error:
        values["last_error"] = error[:2000]
    with services.db.session() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
                  .values(**values).execution_options(synchronize_session=False))


_TABLE = OutboxMessage.__table__
# It follows nearly every answer a webhook delivers, in the thread that delivered it (pool.py).
MARK_SENT = Prepared(update(_TABLE).where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.status == "pending")
                     .values(status="sent", sent_at=bindparam("b_now", type_=_TABLE.c.sent_at.type),
                             locked_until=None, attempts=_TABLE.c.attempts + 1, payload={}, target=""))


def is_due(now: datetime):
    """Pending, its time come, and not claimed by a sender whose lease still runs."""
    return and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))


def claim(services: Services, row_id: int, now: datetime) -> bool:
    """Take the row if it is still due; the check and the lease are one UPDATE, so one sender wins."""
    with services.db.session() as s:
        result = s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, is_due(now))
                           .values(locked_until=now + LEASE))
        return result.rowcount == 1


def due_ids(services: Services, now: datetime, limit: int) -> list[int]:
    with services.db.session() as s:
        return list(s.scalars(select(OutboxMessage.id).where(is_due(now))
                              .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def record(services: Services, row_id: int, now: datetime, error: Exception | None) -> Outcome:
    """Write a try's outcome on its row. An error that says it is not `retryable` (a DeliveryError for a
    blocked account, say) fails the row for good; any other is tried again after the backoff."""
    with services.db.session() as s:
        row = s.get(OutboxMessage, row_id)
        row.attempts += 1
        row.locked_until = None
        if error is None:
            row.status, row.sent_at, row.last_error, row.payload = "sent", now, None, {}
            if row.purpose == "answer":
                row.target = ""
            return "sent"
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if not getattr(error, "retryable", True):
            row.status = "failed"
            log.error("outbox %s to %s:%s failed for good: %s", row.id, row.channel, row.purpose, error)
            return "failed"
        wait = getattr(error, "retry_after", None)  # the platform's Retry-After wins over our backoff
        row.next_attempt_at = now + timedelta(seconds=RETRY.delay(row.attempts, wait))
        log.warning("outbox %s to %s:%s failed (try %s), next at %s: %s", row.id, row.channel, row.purpose,
                    row.attempts, row.next_attempt_at.isoformat(timespec="seconds"), error)
        return "retrying"


def retry_failed(services: Services, row_id: int | None = None, now: datetime | None = None) -> int:
    """Put failed messages back in the queue (after the configuration was fixed)."""
    with services.db.session() as s:
        query = update(OutboxMessage).where(OutboxMessage.status == "failed")
        if row_id is not None:
            query = query.where(OutboxMessage.id == row_id)
        return s.execute(query.values(status="pending", next_attempt_at=now or utcnow())).rowcount


def mark_sent(services: Services, row_id: int, now: datetime) -> None:
    """The row delivered by its writer (an answer the sending pool just gave the platform)."""
    with services.db.one_write() as conn:
        MARK_SENT.execute(conn, {"b_id": row_id, "b_now": now})


def purge_sent(session: Session, now: datetime) -> int:
    """Delete rows sent more than SENT_KEPT ago (what they said is gone already; this removes the rest)."""
    return session.execute(delete(OutboxMessage).where(OutboxMessage.status == "sent",
                                                       OutboxMessage.sent_at < now - SENT_KEPT)).rowcount

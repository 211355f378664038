"""The once-only protocol every chat channel follows: each platform event is handled once, and its answer
is never lost nor, where the platform's retry key can prevent it, given twice.

1. Claim: the event's id is claimed (a redelivery finds it) in the transaction that saves the turn's state
   (`handle_once`), and claimed answered: that transaction holds the answer too, so a committed turn claim
   is an answered event; an event handled outside a turn is claimed before it is handled (`begin`) and
   marked answered when its answer is stored.
2. Turn and owed answer: the answer is rendered, then stored in the outbox in that same transaction, the
   row leased to this process for ANSWER_GRACE (`Owed.record`).
3. Delivery: the webhook returns; the sending pool gives the answer to the platform (LINE's free reply
   first, then push with the row's retry key) and marks it sent in the same thread (`Owed.deliver`).
   Whatever did not go (the platform failed, throttled, timed out, the reply token was spent, the pool
   waited too long) is left to the outbox worker, which pushes it with the same retry key.

A redelivered event is answered from the stored answer and never handled a second time; an event whose
handler died before its turn was saved is handled again (filing a complaint is idempotent per draft).
A process killed after the platform took a reply and before its mark was written gives that answer twice
(the push after the lease cannot know about the reply): the window is one database write.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection

from bot.core.state import TurnClaim, TurnWrite
from bot.outbox import pool
from bot.outbox import rows as outbox
from bot.outbox import worker as outbox_worker
from bot.outbox.models import OutboxMessage
from bot.storage import per_dialect, utcnow
from bot.storage.models import ProcessedEvent
from bot.storage.prepared import Prepared

from .platforms import DeliveryError

if TYPE_CHECKING:
    from bot.services import Services

    from .base import Channel

log = logging.getLogger(__name__)

# An unanswered claim older than this was left by a process that died mid-turn (turns take well under it).
STALE = timedelta(seconds=30)
# How long the outbox leaves a just-stored answer to the process that is delivering it. Short, so that the
# outbox takes over a dead process's answers while their reply tokens still work (LINE: about a minute).
ANSWER_GRACE = timedelta(seconds=30)
# A reply token tried again within this of its event: a token LINE calls spent was spent by the dead
# process on this very answer (a token is used once), so the answer is not pushed a second time.
REPLY_TOKEN_TRUSTED = timedelta(seconds=50)


def _claim(insert):
    table = ProcessedEvent.__table__
    return insert(table).values(channel=bindparam("b_channel"), event_id=bindparam("b_event_id"),
                                received_at=bindparam("b_now", type_=table.c.received_at.type),
                                answered_at=bindparam("b_answered", type_=table.c.answered_at.type)) \
        .on_conflict_do_nothing().returning(table.c.event_id)  # RETURNING: drivers may report rowcount -1


CLAIM = Prepared(per_dialect(_claim))  # it runs every event

_EVENTS = ProcessedEvent.__table__
_THE_EVENT = (_EVENTS.c.channel == bindparam("b_channel")) & (_EVENTS.c.event_id == bindparam("b_event_id"))
SEEN = Prepared(select(_EVENTS.c.event_id).where(_THE_EVENT))
MARK_ANSWERED = Prepared(update(_EVENTS).where(_THE_EVENT)
                         .values(answered_at=bindparam("b_now", type_=_EVENTS.c.answered_at.type),
                                 answer_id=bindparam("b_answer_id", type_=_EVENTS.c.answer_id.type)))


class NotClaimed(Exception):
    """The event was claimed by another delivery of it: the turn that tried to claim it is not run."""


def claimed(conn: Connection, channel: str, event_id: str, now: datetime, answered: bool = False) -> bool:
    """The claim: one INSERT ... ON CONFLICT DO NOTHING; a new event (nearly every one) costs one statement,
    a redelivery no exception. Its commit is one a redelivery redoes (Database.redoable_engine). `answered`:
    the claim commits with the answer (a turn's), so it is written answered at once."""
    params = {"b_channel": channel, "b_event_id": event_id[:128], "b_now": now, "b_answered": now if answered else None}
    return CLAIM.first(conn, params) is not None


def claim_in_turn(channel: str, event_id: str, now: datetime | None = None) -> TurnClaim:
    """The claim that commits with the message's turn (StateStore.turn), so claim, state, follower and
    stored answer take one transaction. Raises NotClaimed, leaving the turn unrun or unsaved; `unclaimed`
    then says what to do."""
    now = now or utcnow()
    key = {"b_channel": channel, "b_event_id": event_id[:128]}

    def check(conn: Connection) -> None:
        if SEEN.first(conn, key) is not None:
            raise NotClaimed(channel)

    def take(conn: Connection) -> None:
        if not claimed(conn, channel, event_id, now, answered=True):
            raise NotClaimed(channel)

    return TurnClaim(check, take)


def handle_once(services, channel: str, event_id: str, handle: Callable[[TurnClaim | None], None]) -> None:
    """Handle an event whose handling is one conversation turn, at most once: `handle(claim)` passes `claim`
    to the turn (Bot.respond's), so the claim costs no transaction of its own. `claim` is None when there
    is nothing to claim (no event id, or a claim taken over from a handler that died)."""
    if not event_id:
        handle(None)
        return
    try:
        handle(claim_in_turn(channel, event_id))
        return
    except NotClaimed:  # another delivery's claim. A turn that fails leaves none: its claim rolls back with it
        pass
    if unclaimed(services, channel, event_id):
        handled(services, channel, event_id, lambda: handle(None))


def handled(services, channel: str, event_id: str, handle: Callable[[], None]) -> None:
    """`handle()` for an event this delivery has claimed; its claim is forgotten if handling fails before
    the answer is stored, so the platform's redelivery is handled."""
    try:
        handle()
    except Exception:
        release(services, channel, event_id)
        raise


def begin(services, channel: str, event_id: str, now: datetime | None = None) -> bool:
    """True when this delivery of the event is to be handled; False for a redelivery (answered from the
    stored answer) or while another process is still handling it."""
    now = now or utcnow()
    if not event_id:
        return True  # nothing to deduplicate on
    with services.db.redoable_engine.begin() as c:
        if claimed(c, channel, event_id, now):
            return True
    return unclaimed(services, channel, event_id, now)


def unclaimed(services, channel: str, event_id: str, now: datetime | None = None) -> bool:
    """For an event whose claim found it claimed already: True when this delivery is to handle it after all
    (the process handling it died mid-turn: the claim is taken over), False when it is answered (from the
    stored answer, pushed now if still owed) or still being handled elsewhere."""
    now = now or utcnow()
    key = event_id[:128]
    with services.db.session() as s:
        seen = s.get(ProcessedEvent, (channel, key))
        if seen is None:
            return False
        if seen.answered_at is not None:
            # Still owed? Then push it now rather than at its grace's end, unless it was stored so recently
            # that the process which stored it may still be delivering it (a second answer by push). A turn's
            # claim does not name its answer's row: the row is found by the event it answers.
            if seen.answered_at < now - STALE:
                answer = OutboxMessage.id == seen.answer_id if seen.answer_id is not None else \
                    (OutboxMessage.channel == channel) & (OutboxMessage.purpose == "answer") & \
                    (OutboxMessage.ref == key[:32])
                s.execute(update(OutboxMessage).where(answer, OutboxMessage.status == "pending")
                          .values(next_attempt_at=now, locked_until=None)
                          .execution_options(synchronize_session=False))
            log.info("%s event redelivered; answered from the stored answer", channel)
            redelivered = True
        elif seen.received_at < now - STALE:
            # The process handling it died before its turn was saved: take the claim over, handle again.
            taken = s.execute(update(ProcessedEvent).where(ProcessedEvent.channel == channel,
                                                           ProcessedEvent.event_id == key,
                                                           ProcessedEvent.received_at == seen.received_at,
                                                           ProcessedEvent.answered_at.is_(None))
                              .values(received_at=now).execution_options(synchronize_session=False))
            return taken.rowcount == 1
        else:
            return False
    if redelivered:
        outbox_worker.kick(services)
    return False


def release(services, channel: str, event_id: str) -> None:
    """Forget a claim whose handling failed before it was answered, so the platform's redelivery is."""
    if not event_id:
        return
    with services.db.session() as s:
        s.execute(delete(ProcessedEvent).where(ProcessedEvent.channel == channel,
                                               ProcessedEvent.event_id == event_id[:128],
                                               ProcessedEvent.answered_at.is_(None)))


def send_within(settings) -> float:
    """Seconds a job may wait in the sending pool and still end its send (connect + read) inside the lease."""
    return ANSWER_GRACE.total_seconds() - sum(settings.platform_timeout) - 2


class Owed:
    """One event's answer: stored with the turn (`record`), then delivered or left to the outbox."""

    def __init__(self, services, channel: str, event_id: str, to: str, render: Callable[[list], list],
                 reply_token: str | None = None):
        self.services, self.channel, self.event_id, self.to, self.render = services, channel, event_id, to, render
        self.reply_token = reply_token
        self.writes: list[TurnWrite] = []  # stored with the answer (a follower's touch)
        self.rendered: list = []
        self.row_id: int | None = None
        self.retry_key: str | None = None

    def record(self, turn, claimed: bool = False) -> TurnWrite:
        """The turn's answer rendered now, before its save: the write returned (the answer as an outbox
        row, the event answered, and the turn's owed rows (a tracking code's receipt) settled, since the
        answer carries them) runs in the turn's transaction. Rendering there would hold SQLite's write lock
        while Python builds JSON: a third of the transaction's time, which the other worker waits out.
        `claimed`: the turn takes the event's claim (`claim_in_turn`), written answered, so no statement of
        its own marks the event."""
        return self.prepared(turn.replies, turn.owed, marks_event=not claimed)

    def store(self, conn: Connection, replies: list, owed=(), now: datetime | None = None) -> None:
        self.prepared(replies, owed, now)(conn)

    def prepared(self, replies: list, owed=(), now: datetime | None = None, marks_event: bool = True) -> TurnWrite:
        """The answer to `replies` rendered, and the write that stores it."""
        now = now or utcnow()
        self.rendered = self.render(replies) if replies else []
        payload = {"rendered": self.rendered, **({"reply_token": self.reply_token} if self.reply_token else {})}
        row = outbox.leased_row(self.services.db.engine.dialect, self.channel, self.to, payload,
                                purpose="answer", ref=self.event_id[:32] or None, now=now,
                                until=now + ANSWER_GRACE) if self.rendered else None

        def store(conn: Connection) -> None:
            for write in self.writes:
                write(conn)
            if row is not None:
                self.row_id, self.retry_key = row.insert(conn)
                if owed:
                    outbox.settle(conn, owed, now, f"carried by answer {self.row_id}")
            if self.event_id and marks_event:
                MARK_ANSWERED.execute(conn, {"b_channel": self.channel, "b_event_id": self.event_id[:128],
                                             "b_now": now, "b_answer_id": self.row_id})
        return store

    def store_alone(self, replies: list) -> None:
        """For answers given without a conversation turn (a welcome on follow)."""
        with self.services.db.redoable_engine.begin() as c:
            self.store(c, replies)

    def deliver(self, channel: Channel) -> None:
        """Hand the stored answer to the sending pool: the webhook returns without waiting on the platform."""
        if not self.rendered:
            return
        answer, given = self.queued(), time.monotonic()
        try:
            pool.of(self.services).submit(lambda: answer.send(channel, time.monotonic() - given))
        except RuntimeError as exc:  # the process is stopping: the outbox worker pushes it
            answer.leave_to_outbox(self.rendered, exc)

    def queued(self) -> QueuedAnswer:
        return QueuedAnswer(self.services, self.channel, self.to, json.dumps(self.rendered, ensure_ascii=False),
                            self.retry_key, self.reply_token, self.row_id)

    def send(self, channel: Channel, waited: float = 0.0) -> None:
        self.queued().send(channel, waited)


@dataclass(frozen=True, slots=True)
class QueuedAnswer:
    """A stored answer waiting in the sending pool: a few strings, its messages as one JSON text, and not
    the Owed with its turn's writes and rendered dicts. While a platform hangs a worker holds thousands;
    the hundreds of small objects each Owed kept, scattered among its request's freed ones, left Python's
    memory pools ~7 MB larger once the queue had emptied."""
    services: Services
    channel: str
    to: str
    messages: str
    retry_key: str | None
    reply_token: str | None
    row_id: int | None

    def send(self, channel: Channel, waited: float = 0.0) -> None:
        """Give the answer to the platform, and mark it sent right there; what did not go is the outbox's.
        A job that waited so long in the pool (the platform hung) that its send could outlast the row's
        lease is left to the outbox at once, or the outbox would push it beside this send."""
        rendered = json.loads(self.messages)
        if waited > send_within(self.services.settings):
            self.leave_to_outbox(rendered)
            return
        try:
            channel.send_rendered(self.to, rendered, self.retry_key, reply_token=self.reply_token)
        except DeliveryError as exc:
            self.leave_to_outbox(rendered if exc.unsent is None else exc.unsent, exc)
            return
        if self.row_id is not None:
            try:
                outbox.mark_sent(self.services, self.row_id, utcnow())
            except Exception as exc:  # the database is down: once its lease ends the answer is pushed again
                log.error("%s answer %s delivered, not marked sent (%s)", self.channel, self.row_id,
                          type(exc).__name__)

    def leave_to_outbox(self, rest: list, error: Exception | None = None) -> None:
        """What is left of the answer goes by push from the outbox, now or after the platform's Retry-After."""
        if self.row_id is None:
            return
        log.warning("%s answer %s queued for push: %s", self.channel, self.row_id, error or "not all sent")
        outbox.due_now(self.services, self.row_id, utcnow(), getattr(error, "retry_after", None),
                       payload={"rendered": rest}, error=f"{type(error).__name__}: {error}" if error else None)
        outbox_worker.kick(self.services)

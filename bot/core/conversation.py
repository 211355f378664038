"""The channel-neutral core: incoming message → understanding → handler (or active flow) → replies.

Channels call `Bot.respond()` and render the replies; they never see intents, handlers or state.
Multi-step flows (complaints, feedback) are explicit states kept in the database by `StateStore`.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Protocol

from bot.core import tracking_codes as codes
from bot.storage import utcnow

from .followup import remember, resolve
from .messages import Incoming, Reply

if TYPE_CHECKING:
    from bot.core.state import TurnClaim
    from bot.nlu import Understanding
    from bot.services import Services

THAI = re.compile(r"[\u0E00-\u0E7F]")
LATIN = re.compile(r"[A-Za-z]{2,}")
# Latin words that Thai messages use too: the assessment's names and the letters of tracking codes.
NOT_ENGLISH = {"ita", "iit", "eit", "oit", "aa", "ok"}
TRACKING_CODE = codes.pattern()


def understood(intent: str, confidence: float = 1.0, entities: dict[str, Any] | None = None,
               normalized: str = "") -> Understanding:
    """A meaning the core gives itself (an empty message, a photo) or a test gives it, in the NLU's own
    type, so there is one type of understanding (bot.nlu is imported only when one is made)."""
    from bot.nlu import Understanding

    return Understanding(intent, confidence, dict(entities or {}), normalized)


def for_another_topic(u: Understanding, own_intents: Collection[str], min_confidence: float = 0.5) -> bool:
    """Whether a message inside a flow plainly belongs to another topic, to be answered without leaving
    the flow: not one of the flow's own intents, and understood surely enough. A tracking question counts
    only with a code in it (a pasted code is answered; "ติดตามเรื่อง" alone is not)."""
    if u.coarse == "track":
        return bool(u.entities.get("code"))
    return u.coarse not in own_intents and u.confidence >= min_confidence


@dataclass
class Context:
    """One turn: the message, what it means, the user's state, and the shared services."""

    message: Incoming
    understood: Understanding
    state: dict
    services: Services
    now: datetime
    lang: str = "th"
    # Outbox rows already holding part of this answer (a tracking code's receipt, written with the
    # complaint): whoever records the answer settles them, so the code is owed once, never lost.
    owed: list[int] = field(default_factory=list)
    forget: bool = False  # delete the user's stored state after this turn (see forget_state)
    # Writes that belong to this turn (a statistic, say): done in the transaction that saves the state,
    # so a turn costs no extra commit; each gets the transaction's Core connection (state.TurnState)
    writes: list[Callable[[Any], None]] = field(default_factory=list)

    def say(self, key: str, **values: object) -> str:
        return self.services.content.say(key, self.lang, **values)

    @property
    def flow(self) -> dict | None:
        return self.state.get("flow")

    def start_flow(self, name: str, step: str, data: dict | None = None) -> None:
        self.state["flow"] = {"name": name, "step": step, "data": data or {}}

    def goto(self, step: str) -> None:
        self.state["flow"]["step"] = step

    def end_flow(self) -> None:
        self.state.pop("flow", None)

    def forget_state(self) -> None:
        """Leave no state row behind this turn (an anonymous report's draft: its time would link the
        reporter's account to the report)."""
        self.forget = True


Handler = Callable[[Context], list[Reply]]


class Flow(Protocol):
    """A multi-step conversation. `step` returns None to let a message that is not for the flow be
    answered normally (the flow stays where it was)."""

    name: str

    def start(self, ctx: Context) -> list[Reply]: ...

    def step(self, ctx: Context) -> list[Reply] | None: ...

    def expired(self, ctx: Context, old: dict) -> list[Reply]: ...


@dataclass
class Router:
    handlers: dict[str, Handler] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    fallback: Handler | None = None
    # Tried before flows and handlers; a list (even empty: stay silent) is the answer, None lets it through.
    before: list[Callable[[Context], list[Reply] | None]] = field(default_factory=list)
    # Outside a flow, for a message that would get the fallback or a guess surer than nothing but below
    # `unsure_below`: `unsure` hooks may answer first (the office's own answers); when none does,
    # `unanswered` hooks are told once the fallback or the guess answered (the questions staff review).
    unsure: list[Callable[[Context], list[Reply] | None]] = field(default_factory=list)
    unanswered: list[Callable[[Context], None]] = field(default_factory=list)
    unsure_below: float = 0.0

    def add(self, handlers: dict[str, Handler] | None = None, flows: list[Flow] | None = None) -> "Router":
        self.handlers.update(handlers or {})
        for flow in flows or []:
            self.flows[flow.name] = flow
        return self

    def handler_for(self, intent: str) -> Handler:
        """Most specific first: `ita.indicator`, then `ita`, then the fallback."""
        parts = intent.split(".")
        for i in range(len(parts), 0, -1):
            handler = self.handlers.get(".".join(parts[:i]))
            if handler:
                return handler
        assert self.fallback is not None, "a router needs a fallback handler"
        return self.fallback


@dataclass(frozen=True)
class Turn:
    incoming: Incoming
    understood: Understanding
    replies: list[Reply]
    owed: tuple[int, ...] = ()

    @property
    def intent(self) -> str:
        return self.understood.intent


def language_of(text: str) -> str:
    """English only for English text: "ita", "IIT 63" or a tracking code alone get a Thai answer."""
    words = [w for w in LATIN.findall(TRACKING_CODE.sub(" ", text)) if w.lower() not in NOT_ENGLISH]
    return "en" if words and not THAI.search(text) else "th"


def follow_up(understood: Understanding, last_intent: str, last: dict | None = None,
              procedures: tuple = ()) -> Understanding:
    """The message read with the previous turn in mind (see bot/core/followup.py)."""
    return resolve(understood, {"last_intent": last_intent, "last": last or {}}, procedures)


class Bot:
    def __init__(self, services: Services, router: Router):
        self.services = services
        self.router = router

    def understand(self, text: str) -> Understanding:
        if not text.strip():
            return understood("fallback", 0.0)
        return self.services.understander.understand(text)

    def respond(self, message: Incoming, now: datetime | None = None,
                record: Callable[[Turn, bool], Callable[[Any], None]] | None = None,
                claim: TurnClaim | None = None) -> Turn:
        """The turn's answer. `record(turn, claimed)`, called once the answer is known, returns a write for
        the transaction that saves the state: a channel that delivers later stores the answer there (and does
        its own work, rendering, before); `claimed` says that transaction also takes the event's claim (so
        the claim is the answered event's mark). Without it the caller hands the answer over at once (web chat,
        CLI), and the turn's owed outbox rows are settled with the state. `claim` is a channel's claim of the
        platform's event, which commits with the turn (StateStore.turn)."""
        now = now or utcnow()
        with self.services.states.turn(message.channel, message.user_id, now, claim) as turn_state:
            replies, understood, owed = self._answer(message, turn_state, now)
            turn = Turn(message, understood, replies, tuple(owed))
            if record is not None:
                # The answer's rows go first and the handlers' writes last, so a row every turn updates
                # (the day's count of answers) stays locked on PostgreSQL for little more than the commit.
                turn_state.writes.insert(0, record(turn, claim is not None))
            elif owed:
                from bot.outbox.rows import settle  # the outbox holds them; the core only passes ids

                turn_state.writes.append(lambda conn: settle(conn, owed, now, "answered in the chat"))
        return turn

    def _answer(self, message: Incoming, turn_state, now: datetime) -> tuple[list[Reply], Understanding, list[int]]:
        state = turn_state.data
        meaning = self.understand(message.utterance) if (message.utterance or "").strip() else \
            understood("media" if message.media or message.location else "fallback", 1.0)
        meaning = resolve(meaning, state, getattr(self.services.content, "procedures", ()))
        ctx = Context(message, meaning, state, self.services, now, language_of(message.utterance))
        replies: list[Reply] = []
        if turn_state.expired:
            old = state.pop("expired")
            old_flow = self.router.flows.get((old.get("flow") or {}).get("name", ""))
            if old_flow:
                replies += old_flow.expired(ctx, old["flow"])
        answer = next((a for a in (hook(ctx) for hook in self.router.before) if a is not None), None)
        flow = self.router.flows.get((ctx.flow or {}).get("name", ""))
        if answer is None and flow:
            answer = flow.step(ctx)
        unsure = answer is None and not ctx.flow and (ctx.understood.coarse == "fallback" or
                                                      ctx.understood.confidence < self.router.unsure_below)
        if unsure:
            answer = next((a for a in (hook(ctx) for hook in self.router.unsure) if a is not None), None)
        if answer is None:
            answer = self.router.handler_for(ctx.understood.intent)(ctx)  # a flow may have re-read it
            for told in self.router.unanswered if unsure else ():
                told(ctx)
            if flow and ctx.flow and hasattr(flow, "aside"):
                answer = answer + flow.aside(ctx)  # e.g. "the complaint is still open"
        replies += answer
        remember(ctx.state, ctx.understood)
        turn_state.writes.extend(ctx.writes)
        turn_state.data = {} if ctx.forget else ctx.state
        return replies, ctx.understood, ctx.owed

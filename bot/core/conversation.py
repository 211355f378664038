"""The channel-neutral core: incoming message → understanding → handler (or active flow) → replies.

Channels call `Bot.respond()` and render the replies; they never see intents, handlers or state.
Multi-step flows (complaints, feedback) are explicit states kept in the database by `StateStore`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Protocol

from bot.storage import utcnow

from .messages import Incoming, Reply

THAI = re.compile(r"[\u0E00-\u0E7F]")
LATIN = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Understood:
    """What the understanding layer made of a message (mirrors bot.nlu.Understanding)."""

    intent: str
    confidence: float = 1.0
    entities: dict[str, Any] = field(default_factory=dict)
    normalized: str = ""

    @property
    def coarse(self) -> str:
        return self.intent.split(".")[0]


class Understander(Protocol):
    def understand(self, text: str) -> Any: ...


@dataclass
class Context:
    """One turn: the message, what it means, the user's state, and the shared services."""

    message: Incoming
    understood: Understood
    state: dict
    services: Any
    now: datetime
    lang: str = "th"
    forget: bool = False  # delete the user's stored state after this turn (see forget_state)

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
    understood: Understood
    replies: list[Reply]

    @property
    def intent(self) -> str:
        return self.understood.intent


def language_of(text: str) -> str:
    return "en" if LATIN.search(text) and not THAI.search(text) else "th"


FOLLOW_UP_ENTITIES = {"year", "relative_year", "indicator", "tool"}


def follow_up(understood: Understood, last_intent: str) -> Understood:
    """ "แล้วปี 63 ล่ะ" after an ITA answer: a bare year or indicator continues the previous ITA question."""
    if understood.coarse == "fallback" and last_intent.startswith("ita") and \
            FOLLOW_UP_ENTITIES & set(understood.entities):
        return Understood(last_intent, understood.confidence, understood.entities, understood.normalized)
    return understood


class Bot:
    def __init__(self, services: Any, router: Router):
        self.services = services
        self.router = router

    def understand(self, text: str) -> Understood:
        if not text.strip():
            return Understood("fallback", 0.0)
        u = self.services.understander.understand(text)
        return Understood(u.intent, u.confidence, dict(u.entities), getattr(u, "normalized", ""))

    def respond(self, message: Incoming, now: datetime | None = None) -> Turn:
        now = now or utcnow()
        with self.services.states.turn(message.channel, message.user_id, now) as turn_state:
            replies, understood = self._answer(message, turn_state, now)
        return Turn(message, understood, replies)

    def _answer(self, message: Incoming, turn_state, now: datetime) -> tuple[list[Reply], Understood]:
        state = turn_state.data
        understood = self.understand(message.utterance) if (message.utterance or "").strip() else \
            Understood("media" if message.media or message.location else "fallback", 1.0)
        understood = follow_up(understood, state.get("last_intent", ""))
        ctx = Context(message, understood, state, self.services, now, language_of(message.utterance))
        replies: list[Reply] = []
        if turn_state.expired:
            old = state.pop("expired")
            old_flow = self.router.flows.get((old.get("flow") or {}).get("name", ""))
            if old_flow:
                replies += old_flow.expired(ctx, old["flow"])
        flow = self.router.flows.get((ctx.flow or {}).get("name", ""))
        answer = flow.step(ctx) if flow else None
        if answer is None:
            answer = self.router.handler_for(understood.intent)(ctx)
        replies += answer
        ctx.state["last_intent"] = understood.intent
        turn_state.data = {} if ctx.forget else ctx.state
        return replies, understood

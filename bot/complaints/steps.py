"""The vocabulary of a conversation written as a table of steps (flow.py): a `Step` is a prompt, a
handler and the step after it; a handler returns an outcome saying where to go, and the flow's runner
alone moves the conversation there."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Union

from bot.core.conversation import Context
from bot.core.messages import Reply

from .draft import Draft

if TYPE_CHECKING:
    from bot.nlu import Understanding


@dataclass(frozen=True)
class Stay:
    """Stay at this step and say this."""

    replies: list[Reply]


@dataclass(frozen=True)
class Go:
    """Move on to `to` (the table's next step when None): say `before`, then that step's prompt."""

    to: str | None = None
    before: list[Reply] = field(default_factory=list)


@dataclass(frozen=True)
class Back:
    """Return to the step before this one (where the reporter came from) and ask it again."""


@dataclass(frozen=True)
class End:
    """The draft is done with (filed, cancelled or refused): say this. `discard` drops its evidence files;
    `forget` leaves no state row; `owed` are outbox rows this answer carries (the receipt)."""

    replies: list[Reply]
    discard: bool = False
    forget: bool = False
    owed: tuple[int, ...] = ()


@dataclass(frozen=True)
class NotForUs:
    """The message is a question for another handler; the draft waits. `understood` replaces the message's
    meaning when the question was an earlier message (the one asked about)."""

    understood: Understanding | None = None


Outcome = Union[Stay, Go, Back, End, NotForUs]


@dataclass(frozen=True)
class Step:
    prompt: Callable[[Context, Draft], list[Reply]]
    handle: Callable[[Context, Draft, str], Outcome]
    next: str | None = None  # where `Go()` leads
    attachments: bool = False  # takes photos, files and a location

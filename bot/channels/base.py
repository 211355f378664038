"""What a channel is: one object per platform that receives its webhook, renders the core's replies in the
platform's format, sends them (reply or push), sends announcements and fetches what users sent.

The shape is Rasa's InputChannel/OutputChannel (`rasa/core/channels/channel.py`: a name, a blueprint for
the webhook, a send side) with this project's typed replies. Features (complaints, broadcasts, the live
chat, the CLI) only ever hold a channel's name and ask the registry (`registry.py`) for the object.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from bot.core.messages import Media, Reply

if TYPE_CHECKING:
    from flask import Blueprint

    from bot.config import Settings


@dataclass(frozen=True)
class Limits:
    """The platform's limits the renderer keeps to (0 = no such limit)."""

    messages_per_call: int = 0
    text_chars: int = 0
    quick_replies: int = 0


@dataclass(frozen=True)
class BroadcastPlan:
    """The batches an announcement goes out in on one channel: (kind, recipients, count) each, and notes
    for staff on who could not be reached."""

    batches: list[tuple[str, list[str], int]]
    notes: list[str]


class Channel(Protocol):
    """One platform. An instance is bound to the process's services (cheap: it holds references only)."""

    name: str  # the value stored in `Incoming.channel`, outbox rows, followers, broadcasts
    limits: Limits
    webhook_path: str | None  # answered with a 503 naming `needs` while the channel is off
    needs: str  # the settings that switch it on

    def enabled(self, settings: Settings) -> bool: ...

    def blueprint(self, bot: Any, services: Any) -> Blueprint: ...

    def render(self, replies: Sequence[Reply]) -> list:
        """The replies in the platform's wire format (JSON-able: stored in the outbox as it will be sent)."""

    def send(self, to: str, replies: Sequence[Reply], retry_key: str | None = None) -> None:
        """Push `replies` to `to` (a user or group); DeliveryError on failure."""

    def send_rendered(self, to: str, rendered: list, retry_key: str | None = None,
                      reply_token: str | None = None, spent_token_was_ours: bool = False) -> None:
        """Send what `render` made: by the reply token when there is one (and it is still good), the rest
        by push. A DeliveryError's `unsent` is what is left, to be pushed again later with the same key.
        `spent_token_was_ours`: a token the platform calls spent was used for this answer already."""

    def render_announcement(self, announcement: Any, office: Any) -> list[dict]: ...

    def broadcast_batches(self, session: Any, broadcast: Any, now: Any) -> BroadcastPlan:
        """How an announcement is split into requests on this channel (a static method)."""

    def send_announcement(self, kind: str, recipients: list[str], messages: list[dict],
                          retry_key: str) -> str | None:
        """One planned batch; None when sent, a note when the platform had already taken it (409)."""

    def fetch_media(self, media: Media, limit: int) -> tuple[bytes, str]:
        """The content of what a user sent and its declared type; MediaTooLarge or MediaUnavailable."""


class Bound:
    """What every channel class shares: it is bound to the process's services, and the defaults of a
    channel that has no webhook of its own, downloads nothing and sends announcements in whole batches."""

    webhook_path: str | None = None
    needs = ""
    fetches_media = False
    announces = False  # carries announcements (broadcasts)
    per_person = False

    def __init__(self, services):
        self.services = services


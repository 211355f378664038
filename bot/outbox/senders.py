"""Who sends an outbox row: the feature that wrote it registers a sender here, so the outbox never
imports a feature (channels, complaints) and a new kind of row is one `register` call.

A row is sent by the sender of its `purpose` if one is registered (a staff digest, gathered at send time),
else by that of its `channel` (e-mail, a complaint's reporter), else by the chat sender, which pushes it
on the chat platform it names (LINE, Messenger, the web inbox). The wiring is `bot.services.wire_senders`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .models import OutboxMessage

if TYPE_CHECKING:
    from bot.services import Services

Sender = Callable[["Services", OutboxMessage], None]

_by_purpose: dict[str, Sender] = {}
_by_channel: dict[str, Sender] = {}
_chat: list[Sender] = []


def for_purpose(purpose: str, sender: Sender) -> None:
    _by_purpose[purpose] = sender


def for_channel(channel: str, sender: Sender) -> None:
    _by_channel[channel] = sender


def for_chat(sender: Sender) -> None:
    _chat[:] = [sender]


def send(services: Services, row: OutboxMessage) -> None:
    """Raises DeliveryError (or any error, treated as retryable) when the message did not go out."""
    sender = _by_purpose.get(row.purpose)
    if sender is not None:
        sender(services, row)
    else:
        send_on_channel(services, row)


def send_on_channel(services: Services, row: OutboxMessage) -> None:
    """The row sent by its channel's sender, whatever its purpose (a purpose's sender ends here)."""
    sender = _by_channel.get(row.channel) or (_chat[0] if _chat else None)
    if sender is None:
        raise LookupError(f"no sender registered for outbox rows of {row.channel}:{row.purpose}")
    sender(services, row)

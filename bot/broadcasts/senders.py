"""The channel that sends a planned batch. Each channel's `send_announcement` posts through the same
send path as its answers and pushes (LINE: line_api.py; Messenger: platforms.FacebookSendApi), and a
failure comes classified: retry later (429, 5xx, network), refused for this one person (Messenger), or
give up (bad token, bad request, LINE's monthly quota)."""
from __future__ import annotations

from bot.channels import registry
from bot.channels.base import Channel
from bot.channels.platforms import DeliveryError

BatchError = DeliveryError  # `refused`: Messenger will not deliver to this person, others still can


def sender(services, channel: str) -> Channel:
    return registry.get(services, channel)

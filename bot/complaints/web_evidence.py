"""The files the web chat takes: the evidence rules of content/complaints.yaml (size, types), the same a
LINE or Messenger file meets, so the page can refuse a file before its turn (413, 415) with the text the
reporter would get on LINE. Wired into the channel by `bot.services.wire_web_chat`."""
from __future__ import annotations

from bot.channels.web_hooks import Accepts

from . import content as cc
from . import evidence


def accepts(services) -> Accepts:
    limits = cc.of(services).limits
    types = ", ".join(dict.fromkeys(limits.evidence_types.values()))

    def type_of(data: bytes, declared: str) -> str | None:
        mime = evidence.decide_type(data, declared)
        return mime if mime in limits.evidence_types else None

    return Accepts(limits.evidence_bytes, type_of,
                   too_big=cc.say(services, "evidence_too_big", max_mb=limits.evidence_mb),
                   bad_type=cc.say(services, "evidence_bad_type", types=types),
                   types=tuple(limits.evidence_types))

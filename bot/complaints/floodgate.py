"""A cheap proof of presence for web complaints, where new visitor ids are free: a draft confirmed sooner
than `limits.web_min_seconds_to_confirm` after it was opened is asked again, and one client address files
at most `limits.web_complaints_per_address_per_day` a day (counted in the rate-limit storage, so the
address is never written next to a complaint). LINE and Messenger accounts are not free to mint, and keep
the per-account daily limit alone."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.core.lazy import built_once
from bot.core.origin import client_origin

from . import content as cc

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


def _limiter(services: Services) -> MovingWindowRateLimiter:
    return built_once(services, "web_floodgate", lambda: MovingWindowRateLimiter(
        storage_from_string(services.settings.rate_limit_storage_url)))


def _per_day(services: Services):
    return parse(f"{cc.of(services).limits.web_complaints_per_address_per_day} per day")


def refusal(services: Services, channel: str, opened_at: float | None, now: datetime) -> str | None:
    """The text key that tells why this web complaint is not filed now, or None to file it."""
    if channel != "web":
        return None
    limits = cc.of(services).limits
    if opened_at is not None and now.timestamp() - opened_at < limits.web_min_seconds_to_confirm:
        return "confirm_too_soon"
    origin = client_origin.get()
    if origin and not _counted(services, "test", origin):
        return "rate_limited"
    return None


def count_filed(services: Services, channel: str) -> None:
    """One more web complaint from the current client address."""
    origin = client_origin.get()
    if channel == "web" and origin:
        _counted(services, "hit", origin)


def _counted(services: Services, action: str, origin: str) -> bool:
    """The limiter's answer; while its storage (a shared redis) is unreachable the complaint is let through:
    losing a citizen's complaint is worse than a flood counted a little late."""
    try:
        return getattr(_limiter(services), action)(_per_day(services), "web-complaint", origin)
    except Exception as exc:  # the storage's own connection errors (redis, memcached) have no common base
        log.warning("web complaint flood count unavailable (%s); the complaint is not held back", type(exc).__name__)
        return True

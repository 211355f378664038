"""LINE's chat and account calls, through line-bot-sdk's MessagingApi (and Insight): none of them carries a
message. Each is a courtesy to the person (a loading animation, a read mark) or a figure for the console
(this month's quota, LINE's own delivery counts, the friends a broadcast reaches), so a failure is logged
by type and never raised to the caller. The sends themselves are line_api.py's."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
_lock = threading.Lock()

_sdk_apis: dict[tuple, object] = {}


def messaging_api(settings):
    """The SDK's MessagingApi for these settings (with timeouts, bot/channels/line_sdk.py), made once."""
    from .line_sdk import line_messaging_api

    key = (settings.line_api_base_url, settings.line_channel_access_token, settings.platform_timeout)
    api = _sdk_apis.get(key)
    if api is None:
        with _lock:
            api = _sdk_apis.setdefault(key, line_messaging_api(settings))
    return api


def line_on(settings) -> bool:
    from . import registry

    return "line" in registry.names() and registry.channel_class("line").enabled(settings)


def _ask(what: str, call) -> tuple[bool, Any]:
    """(True, what `call()` returned), or (False, None) when LINE refused it (the SDK's ApiException,
    logged with its status) or could not be reached (logged by type): never raised to the caller."""
    try:
        return True, call()
    except Exception as exc:
        status = getattr(exc, "status", None)  # the SDK's ApiException (messaging's or insight's)
        if status is not None:
            log.info("LINE %s refused: %s", what, status)
        else:
            log.info("LINE %s unreachable: %s", what, type(exc).__name__)
        return False, None


def _courtesy(what: str, call) -> bool:
    """A call the person simply does not see when it fails."""
    return _ask(what, call)[0]


LOADING_SECONDS = (5, 60)  # LINE's bounds; a multiple of 5


def show_loading(settings, user_id: str, seconds: int = 20) -> bool:
    """LINE's typing dots in a one-to-one chat while an answer takes a moment; they go when the answer
    arrives or after `seconds`."""
    from linebot.v3.messaging import ShowLoadingAnimationRequest

    seconds = min(max(LOADING_SECONDS[0], seconds - seconds % 5), LOADING_SECONDS[1])
    return _courtesy("loading animation", lambda: messaging_api(settings).show_loading_animation(
        ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=seconds)))


def show_loading_soon(services, channel: str, user_id: str, seconds: int = 20) -> None:
    """`show_loading` from a thread of its own, so the turn that knows it will take a while does not wait
    on LINE for it; nothing for other channels, groups or an office without LINE."""
    if channel != "line" or not user_id.startswith("U") or not line_on(services.settings):
        return
    threading.Thread(target=show_loading, args=(services.settings, user_id, seconds), name="line-loading",
                     daemon=True).start()


def mark_as_read(settings, token: str) -> bool:
    """Mark the person's messages up to the one `token` came with as read (the `markAsReadToken` of a
    message event): they see that a person has read them. Needs Chat on in LINE Official Account Manager."""
    from linebot.v3.messaging import MarkMessagesAsReadByTokenRequest

    return _courtesy("mark as read", lambda: messaging_api(settings).mark_messages_as_read_by_token(
        MarkMessagesAsReadByTokenRequest(markAsReadToken=token)))


@dataclass(frozen=True)
class Quota:
    """This month's messages: LINE's limit (None: no limit) and how many have been used."""

    limit: int | None
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def message_quota(settings) -> Quota | None:
    """This month's quota and consumption (two GETs), or None when LINE cannot be asked."""
    api = messaging_api(settings)
    ok, asked = _ask("quota", lambda: (api.get_message_quota(), api.get_message_quota_consumption()))
    if not ok:
        return None
    quota, used = asked
    limited = getattr(quota.type, "value", quota.type) == "limited"
    return Quota(quota.value if limited else None, used.total_usage)


_sent_counts: dict[tuple[str, str, str, str], int | None] = {}  # (api, token, kind, yyyyMMdd) -> count, past days


def sent_messages(settings, kind: str, day) -> int | None:
    """How many messages LINE delivered by `kind` (reply or push) on a past Thailand day: LINE's own count
    (ready about a day later; None when not ready, under 20 that day, or LINE cannot be asked). Past days
    never change, so each is asked once per process."""
    key = (settings.line_api_base_url, settings.line_channel_access_token, kind, day.strftime("%Y%m%d"))
    if key in _sent_counts:
        return _sent_counts[key]
    api = messaging_api(settings)
    ask = api.get_number_of_sent_reply_messages if kind == "reply" else api.get_number_of_sent_push_messages
    ok, answer = _ask("delivery count", lambda: ask(key[3]))
    if not ok:
        return None
    count = answer.success if answer.status == "ready" else None
    if answer.status != "unready":
        _sent_counts[key] = count
    return count


_friends: dict[tuple[str, str, str], int | None] = {}  # (api, token, yyyyMMdd) -> friends LINE can reach


def line_friends(settings, day) -> int | None:
    """How many friends an all-friends broadcast reaches, by LINE's statistics of `day` (yesterday's are
    ready): friends added minus those who block the account. None when LINE has no figure."""
    from linebot.v3.insight import ApiClient, Configuration, Insight

    from .line_sdk import configuration

    key = (settings.line_api_base_url, settings.line_channel_access_token, day.strftime("%Y%m%d"))
    if key in _friends:
        return _friends[key]
    config = configuration(settings.line_api_base_url, settings.line_channel_access_token, Configuration)
    config.retries = 0

    def ask():
        with ApiClient(config) as client:
            return Insight(client).get_number_of_followers(key[2], _request_timeout=settings.platform_timeout)

    ok, answer = _ask("follower statistics", ask)
    if not ok:
        return None
    ready = answer.status == "ready" and answer.followers is not None
    count = max(0, answer.followers - (answer.blocks or 0)) if ready else None
    if ready:
        _friends[key] = count
    return count

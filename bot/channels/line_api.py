"""LINE's Messaging API send calls (reply, push, multicast, broadcast) as JSON posted with urllib3: the
one send path for LINE. The SDK stays for the webhook's signature and parsing and for rare calls (rich
menus); turning our messages into its models and back cost more than the post.

The office network's settings come from the environment (platform_http.py): HTTPS_PROXY / HTTP_PROXY /
NO_PROXY for an outbound proxy, REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) for a CA of its own, such as a
proxy that inspects TLS.

The chat and account calls at the end (loading animation, mark as read, this month's quota) go through
line-bot-sdk's MessagingApi: rare, and never on the send path.

Every send failure becomes a DeliveryError: retryable for timeouts, refused connections, 429 and 5xx (with the
Retry-After LINE gave); 409 to a reused X-Line-Retry-Key means LINE already accepted that batch.
"""
from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from typing import Sequence

from .platform_http import NETWORK_ERRORS, NOT_NETWORK, PlatformHttp
from .platforms import DeliveryError, network_error, retry_after_seconds, retryable_status

log = logging.getLogger(__name__)
USER_AGENT = "sesa-bot (line-messaging-api)"


def batch_retry_key(retry_key: str, n: int) -> str:
    """Each batch of one delivery needs its own key (LINE answers 409 to a reused one and drops the
    batch), yet the same key again when the delivery is retried: derived from the delivery's key."""
    return retry_key if n == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(n)))


class LineApi:
    """The send endpoints of https://api.line.me with a (connect, read) timeout on every call and no
    hidden retries (the outbox decides when to try again). Many sending threads share one LineApi and
    its connection pool (platform_http.py)."""

    def __init__(self, base_url: str, access_token: str, timeout: tuple[float, float]):
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json",
                        "User-Agent": USER_AGENT}
        self.timeout = timeout
        self.http = PlatformHttp(self.headers)

    def post(self, path: str, body: dict, retry_key: str | None = None) -> bool:
        """True when LINE took it; False when it had already taken this retry key (409). The body is
        serialised as line-bot-sdk does (`json.dumps` with its defaults), byte for byte."""
        headers = {"X-Line-Retry-Key": retry_key} if retry_key else None
        try:
            resp = self.http.request("POST", self.base_url + path, body=json.dumps(body).encode(),
                                     headers=headers, timeout=self.timeout)
        except NOT_NETWORK:
            raise
        except NETWORK_ERRORS as exc:
            raise network_error(exc) from exc
        log.debug("LINE API POST %s: %s", path, resp.status)  # never the body
        if resp.status < 300:
            return True
        if resp.status == 409 and retry_key:
            return False
        raise DeliveryError(f"LINE API {resp.status}: {resp.data.decode('utf-8', 'replace')[:500]}",
                            resp.status, retryable_status(resp.status),
                            retry_after_seconds(resp.headers.get("Retry-After")))

    def reply(self, reply_token: str, batch: list[dict]) -> bool:
        """One batch by the reply token: True if LINE took it, False if the token is spent or expired."""
        try:
            return self.post("/v2/bot/message/reply",
                             {"replyToken": reply_token, "messages": batch, "notificationDisabled": False})
        except DeliveryError as exc:
            if exc.status == 400 and "invalid reply token" in str(exc).lower():
                log.info("LINE reply token spent or expired; the answer goes by push")
                return False
            raise

    def push(self, to: str, batches: Sequence[list[dict]], retry_key: str | None = None) -> None:
        """Batches in order. With `retry_key` (a UUID kept by the caller) a retried delivery is not shown
        twice: batches LINE already accepted answer 409 and are skipped."""
        key = retry_key or str(uuid.uuid4())
        for n, batch in enumerate(batches):
            self.post("/v2/bot/message/push", {"to": to, "messages": batch, "notificationDisabled": False},
                      batch_retry_key(key, n))

    def multicast(self, to: list[str], messages: list[dict], retry_key: str) -> bool:
        return self.post("/v2/bot/message/multicast",
                         {"messages": messages, "to": to, "notificationDisabled": False}, retry_key)

    def broadcast(self, messages: list[dict], retry_key: str) -> bool:
        return self.post("/v2/bot/message/broadcast", {"messages": messages, "notificationDisabled": False},
                         retry_key)


_apis: dict[tuple, LineApi] = {}
_lock = threading.Lock()


def line_api(settings) -> LineApi:
    """The process's client for these settings, reused by every request and thread."""
    key = (settings.line_api_base_url, settings.line_channel_access_token, settings.platform_timeout)
    api = _apis.get(key)
    if api is None:
        with _lock:
            api = _apis.setdefault(key, LineApi(*key))
    return api



# --- LINE's chat and account calls, through line-bot-sdk's MessagingApi -----------------------------------
# None of them carries a message; each is a courtesy (a loading animation, a read mark) or a figure for the
# console (this month's quota), so a failure is logged by type and never raised to the caller.

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


def _courtesy(what: str, call) -> bool:
    from linebot.v3.messaging import ApiException

    try:
        call()
        return True
    except ApiException as exc:
        log.info("LINE %s refused: %s", what, getattr(exc, "status", "?"))
    except Exception as exc:  # a network failure: the user simply does not see it
        log.info("LINE %s failed: %s", what, type(exc).__name__)
    return False


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
    from linebot.v3.messaging import ApiException

    api = messaging_api(settings)
    try:
        quota, used = api.get_message_quota(), api.get_message_quota_consumption()
    except ApiException as exc:
        log.info("LINE quota refused: %s", getattr(exc, "status", "?"))
        return None
    except Exception as exc:
        log.info("LINE quota unreachable: %s", type(exc).__name__)
        return None
    limited = getattr(quota.type, "value", quota.type) == "limited"
    return Quota(quota.value if limited else None, used.total_usage)


_sent_counts: dict[tuple[str, str, str, str], int | None] = {}  # (api, token, kind, yyyyMMdd) -> count, past days


def sent_messages(settings, kind: str, day) -> int | None:
    """How many messages LINE delivered by `kind` (reply or push) on a past Thailand day: LINE's own count
    (ready about a day later; None when not ready, under 20 that day, or LINE cannot be asked). Past days
    never change, so each is asked once per process."""
    from linebot.v3.messaging import ApiException

    key = (settings.line_api_base_url, settings.line_channel_access_token, kind, day.strftime("%Y%m%d"))
    if key in _sent_counts:
        return _sent_counts[key]
    api = messaging_api(settings)
    ask = api.get_number_of_sent_reply_messages if kind == "reply" else api.get_number_of_sent_push_messages
    try:
        answer = ask(key[3])
    except ApiException as exc:
        log.info("LINE delivery count refused: %s", getattr(exc, "status", "?"))
        return None
    except Exception as exc:
        log.info("LINE delivery count unreachable: %s", type(exc).__name__)
        return None
    count = answer.success if answer.status == "ready" else None
    if answer.status != "unready":
        _sent_counts[key] = count
    return count


_friends: dict[tuple[str, str, str], int | None] = {}  # (api, token, yyyyMMdd) -> friends LINE can reach


def line_friends(settings, day) -> int | None:
    """How many friends an all-friends broadcast reaches, by LINE's statistics of `day` (yesterday's are
    ready): friends added minus those who block the account. None when LINE has no figure."""
    from linebot.v3.insight import ApiClient, ApiException, Configuration, Insight

    from .platform_http import environment_ca_bundle, environment_proxy

    key = (settings.line_api_base_url, settings.line_channel_access_token, day.strftime("%Y%m%d"))
    if key in _friends:
        return _friends[key]
    config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token,
                           ssl_ca_cert=environment_ca_bundle())
    config.proxy, config.proxy_headers = environment_proxy(settings.line_api_base_url)
    config.retries = 0
    try:
        with ApiClient(config) as client:
            answer = Insight(client).get_number_of_followers(key[2], _request_timeout=settings.platform_timeout)
    except ApiException as exc:
        log.info("LINE follower statistics refused: %s", getattr(exc, "status", "?"))
        return None
    except Exception as exc:
        log.info("LINE follower statistics unreachable: %s", type(exc).__name__)
        return None
    ready = answer.status == "ready" and answer.followers is not None
    count = max(0, answer.followers - (answer.blocks or 0)) if ready else None
    if ready:
        _friends[key] = count
    return count

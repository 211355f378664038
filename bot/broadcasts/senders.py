"""One request to a platform for a delivery batch, with its failure classified: retry later (429, 5xx,
network), refused for this one person (Messenger), or give up (bad token, bad request)."""
from __future__ import annotations

import re

import requests
import urllib3
from linebot.v3.messaging import ApiException, BroadcastRequest, Message, MulticastRequest

from bot.channels.platforms import (DeliveryError, FacebookSendApi, line_messaging_api, retry_after_seconds,
                                    retryable_status, without_token)


class BatchError(DeliveryError):
    """A failed request. `retry_after`: seconds the platform asked us to wait; `refused`: Messenger will
    not deliver to this person (e.g. the window closed, the person blocked the Page), others still can."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = True,
                 retry_after: float | None = None, refused: bool = False):
        super().__init__(message, status, retryable, retry_after)
        self.refused = refused


def _text(body) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return str(body or "")[:300]


class LineSender:
    """LINE broadcast (every friend) and multicast (≤ 500 user ids), each with its X-Line-Retry-Key."""

    def __init__(self, settings):
        self.api = line_messaging_api(settings) if settings.line_enabled else None
        self._parsed: tuple[int, list[Message]] | None = None

    def _models(self, messages: list[dict]) -> list[Message]:
        """The SDK's message models, built once for all the batches of an occurrence (same list)."""
        if self._parsed is None or self._parsed[0] != id(messages):
            self._parsed = (id(messages), [Message.from_dict(m) for m in messages])
        return self._parsed[1]

    def send(self, kind: str, recipients: list[str], messages: list[dict], retry_key: str) -> str | None:
        """None when sent; a note when LINE says it had already accepted this retry key (409)."""
        if self.api is None:
            raise BatchError("ยังไม่ได้ตั้งค่า LINE (LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN)", retryable=False)
        try:
            if kind == "broadcast":
                self.api.broadcast(BroadcastRequest(messages=self._models(messages)),
                                   x_line_retry_key=retry_key)
            else:
                self.api.multicast(MulticastRequest(to=recipients, messages=self._models(messages)),
                                   x_line_retry_key=retry_key)
        except ApiException as exc:
            status = exc.status or None
            if status == 409:  # the first try went through; LINE refused the repeat
                return "LINE รับคำขอนี้ไปแล้ว (409: retry key ซ้ำ) จึงไม่ส่งซ้ำ"
            body = _text(exc.body)
            headers = exc.headers or {}
            # 429 also means the monthly message quota is used up, which no retry fixes
            retryable = retryable_status(status) and "monthly limit" not in body
            raise BatchError(f"LINE API {status or 'network'}: {body or exc.reason}", status, retryable,
                             retry_after_seconds(headers.get("Retry-After"))) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise BatchError(f"LINE API ติดต่อไม่ได้: {exc}") from exc
        return None


# Graph API error codes: throttling (retry later), the token (nothing will go), the rest concern one person.
_FB_THROTTLED = {4, 17, 32, 613}
_FB_TOKEN = {190}


class MessengerSender:
    """The Send API, one person at a time, with `messaging_type: UPDATE` (a message the Page sends on its
    own initiative inside the 24-hour window; no message tag, since tags may not carry news)."""

    def __init__(self, settings):
        self.settings = settings
        self.url = FacebookSendApi(settings).url
        self.http = requests.Session()

    def send(self, user_id: str, message: dict) -> None:
        if not self.settings.facebook_enabled:
            raise BatchError("ยังไม่ได้ตั้งค่า Messenger (FACEBOOK_APP_SECRET / FACEBOOK_PAGE_ACCESS_TOKEN)",
                             retryable=False)
        payload = {"recipient": {"id": user_id}, "messaging_type": "UPDATE", "message": message}
        try:
            resp = self.http.post(self.url, params={"access_token": self.settings.facebook_page_access_token},
                                  json=payload, timeout=self.settings.platform_timeout)
        except requests.RequestException as exc:
            raise BatchError(f"Messenger ติดต่อไม่ได้: {without_token(str(exc), self.settings)}") from None
        if resp.status_code < 400:
            return
        m = re.search(r'"code"\s*:\s*(\d+)', resp.text)
        code = int(m.group(1)) if m else None
        retryable = retryable_status(resp.status_code) or code in _FB_THROTTLED
        fatal = resp.status_code in (401, 403) or code in _FB_TOKEN
        raise BatchError(f"Messenger {resp.status_code}: {resp.text[:300]}", resp.status_code, retryable,
                         retry_after_seconds(resp.headers.get("Retry-After")),
                         refused=not retryable and not fatal)

"""The baseline: line-bot-sdk's own echo bot (its README's Flask example: WebhookHandler checks the
signature and parses, the handler replies with MessagingApi), pointed at the same fake LINE API and served
by gunicorn exactly as the bot is. `ECHO_CLIENT=per-event` opens a new ApiClient for every event, as the
example does (`with ApiClient(configuration) as api_client:`), hence a new connection per reply;
`shared` (default) keeps one client, so the plain-HTTP baseline is the cheapest the SDK allows.

    LINE_CHANNEL_SECRET=... LINE_CHANNEL_ACCESS_TOKEN=... LINE_API_BASE_URL=... gunicorn bench.echo_app:app
"""
from __future__ import annotations

import os

from flask import Flask, abort, request
from linebot.v3 import WebhookHandler
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage
from linebot.v3.webhooks import MessageEvent, TextMessageContent

app = Flask(__name__)
configuration = Configuration(host=os.environ["LINE_API_BASE_URL"], access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"])
handler = WebhookHandler(os.environ["LINE_CHANNEL_SECRET"])
PER_EVENT = os.environ.get("ECHO_CLIENT", "shared") == "per-event"
shared_client = None if PER_EVENT else ApiClient(configuration)


@app.get("/healthz")
def healthz():
    return "ok"


@app.route("/callback", methods=["POST"])
def callback():
    signature = request.headers["X-Line-Signature"]
    body = request.get_data(as_text=True)
    try:
        handler.handle(body, signature)
    except InvalidSignatureError:
        abort(400)
    return "OK"


def reply(api_client: ApiClient, event: MessageEvent) -> None:
    MessagingApi(api_client).reply_message_with_http_info(
        ReplyMessageRequest(reply_token=event.reply_token, messages=[TextMessage(text=event.message.text)]))


@handler.add(MessageEvent, message=TextMessageContent)
def handle_message(event):
    if PER_EVENT:
        with ApiClient(configuration) as api_client:
            reply(api_client, event)
    else:
        reply(shared_client, event)

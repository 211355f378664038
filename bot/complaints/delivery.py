"""Sending one outbox message by its channel: a chat push, an e-mail, or a notice to a complaint's
reporter (whose account is looked up only now, by the notifier)."""
from __future__ import annotations

from bot.channels.outbound import push, push_rendered
from bot.core.messages import QuickReply, Text

from . import mailer, notifier
from .models import OutboxMessage


def pack(replies: list[Text]) -> dict:
    return {"texts": [{"text": r.text, "quick_replies": [[q.label, q.text] for q in r.quick_replies]}
                      for r in replies]}


def unpack(payload: dict) -> list[Text]:
    return [Text(t["text"], tuple(QuickReply(label, text) for label, text in t.get("quick_replies", [])))
            for t in payload.get("texts", [])]


def send(services, row: OutboxMessage) -> None:
    """Raises DeliveryError (or any error, treated as retryable) when the message did not go out."""
    if row.purpose == "staff_digest":
        from .alerts import gather_digest

        payload = gather_digest(services, row.id)
        if payload is None:
            return  # its codes went out in another digest
        row.payload = payload
    if "rendered" in row.payload:  # a chat answer, as rendered for its platform when it was given
        push_rendered(services, row.channel, row.target, row.payload["rendered"], retry_key=row.retry_key)
    elif row.channel == "email":
        mailer.send(services.settings, row.target, row.payload["subject"], row.payload["body"])
    elif row.channel == "reporter":
        channel, user_id = notifier.reporter_account(services, int(row.target))
        push(services, channel, user_id, unpack(row.payload), retry_key=row.retry_key)
    else:
        push(services, row.channel, row.target, unpack(row.payload), retry_key=row.retry_key)

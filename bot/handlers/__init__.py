"""Answers to each intent. `build_router()` puts every feature's handlers and flows together."""
from __future__ import annotations

from bot.complaints import handlers as complaint_handlers
from bot.complaints.feedback import offer
from bot.core.conversation import Handler, Router

from . import contact, ita, knowledge, news, procedure, smalltalk

# Answers after which the user is offered to rate the service (the EIT-style satisfaction the office tracks).
INFORMATION_MODULES = (ita, contact, procedure, news, knowledge)


def offering_feedback(handler: Handler) -> Handler:
    return lambda ctx: offer(ctx.services, handler(ctx))


def build_router() -> Router:
    router = Router(fallback=knowledge.fallback)  # tries the report before the menu
    router.add(smalltalk.HANDLERS)
    router.add(knowledge.FALLBACKS)
    for module in INFORMATION_MODULES:
        router.add({intent: offering_feedback(knowledge.complemented(intent, h)) for intent, h in module.HANDLERS.items()})
    router.add(complaint_handlers.HANDLERS, complaint_handlers.FLOWS)
    return router

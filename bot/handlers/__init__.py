"""Answers to each intent. `build_router()` puts every feature's handlers and flows together."""
from __future__ import annotations

from bot.core.conversation import Router

from . import contact, ita, news, procedure, smalltalk


def build_router() -> Router:
    router = Router(fallback=smalltalk.fallback)
    for module in (smalltalk, ita, contact, procedure, news):
        router.add(module.HANDLERS, getattr(module, "FLOWS", []))
    from bot.complaints import handlers as complaint_handlers

    router.add(complaint_handlers.HANDLERS, complaint_handlers.FLOWS)
    return router

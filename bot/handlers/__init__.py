"""Answers to each intent. `build_router()` puts every feature's handlers and flows together."""
from __future__ import annotations

from bot.complaints import handlers as complaint_handlers
from bot.core.conversation import Handler, Router
from bot.feedback import handlers as feedback_handlers
from bot.feedback.offer import offer_in_conversation
from bot.livechat import handlers as livechat_handlers
from bot.office_answers import hooks as office_answers

from . import contact, ita, knowledge, news, procedure, procedure_aspect, smalltalk

# Answers after which the user is offered to rate the service (the EIT-style satisfaction the office tracks).
INFORMATION_MODULES = (ita, contact, procedure, procedure_aspect, news, knowledge)


def offering_feedback(handler: Handler, ending: bool = False) -> Handler:
    return lambda ctx: offer_in_conversation(ctx, handler(ctx), ending)


def build_router() -> Router:
    router = Router(fallback=knowledge.fallback)  # tries the report before the menu
    router.add(smalltalk.HANDLERS)
    router.add({"thanks": offering_feedback(smalltalk.thanks, ending=True)})  # the end of a conversation
    router.add(knowledge.FALLBACKS)
    for module in INFORMATION_MODULES:
        router.add({intent: offering_feedback(knowledge.complemented(intent, h)) for intent, h in module.HANDLERS.items()})
    router.add(complaint_handlers.HANDLERS, complaint_handlers.FLOWS)
    router.add(feedback_handlers.HANDLERS, feedback_handlers.FLOWS)
    router.add(livechat_handlers.HANDLERS)
    router.before += livechat_handlers.BEFORE
    router.before += complaint_handlers.BEFORE  # after the live chat's hold: a person holding it hears all
    router.before.insert(0, office_answers.refresh)  # what staff changed, in use on the next message
    router.unsure.append(office_answers.office_answer)
    router.unanswered.append(office_answers.keep_unanswered)
    router.unsure_below = office_answers.UNSURE_BELOW
    return router

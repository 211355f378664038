"""Chat handlers and flows of complaints, tracking and feedback (added to the router by build_router)."""
from __future__ import annotations

from bot.core.conversation import Context, Handler
from bot.core.messages import Reply, Text

from .feedback import FLOW as FEEDBACK
from .flow import FLOW as COMPLAINT
from .track import FLOW as TRACK


def one_to_one(start: Handler) -> Handler:
    """In a group chat every member shares one conversation, and a reporter's identity and tracking code
    must not be shown to the group: these flows happen only in a private chat with the bot."""
    def guarded(ctx: Context) -> list[Reply]:
        if ctx.message.group:
            return [Text(ctx.say("private_chat_only"))]
        return start(ctx)
    return guarded


HANDLERS = {
    "complaint": one_to_one(COMPLAINT.start),
    "feedback": one_to_one(FEEDBACK.start),
    "track": one_to_one(TRACK.start),
}
FLOWS = [COMPLAINT, FEEDBACK, TRACK]

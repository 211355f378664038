"""The live chat in the conversation: the `handoff` intent starts it, and `hold` (run by the core before
flows and handlers) keeps the bot silent for a user whose conversation a person holds."""
from __future__ import annotations

from bot.complaints.content import squash
from bot.core.conversation import Context
from bot.core.messages import QuickReply, Reply, Text

from . import service, stats

# In the conversation state: True while this user may have a waiting or held chat, False when they have
# none. Only the user's own turn (`handoff`) opens a chat, and it sets the flag, so with False, or with no
# state at all (a first message), the database is not asked; a state without the flag (one saved before
# the flag existed) is asked once. StateStore keeps the flag when a state expires, so a chat still open
# after 30 idle minutes is held (or timed out) as before; housekeeping deletes a state only days after its
# last message, long after its chat's idle time-out (`timeout_minutes`) closed it.
FLAG = "livechat"


def end_button(services) -> tuple[QuickReply, ...]:
    return (QuickReply(service.say(services, "end_quick_reply"), service.content(services).end_words[0]),)


def handoff(ctx: Context) -> list[Reply]:
    """Handed over: when a person will answer (office hours), or why nobody can now and when they will."""
    m, services = ctx.message, ctx.services
    chat, on_duty = service.start(services, m.channel, m.user_id, ctx.now)
    ctx.end_flow()
    ctx.state[FLAG] = True
    hours = services.content.office.hours.text
    if on_duty:
        return [Text(service.say(services, "waiting", hours=hours), end_button(services))]
    return [Text(service.say(services, "out_of_hours", reason=service.closed_reason(services, ctx.now), hours=hours,
                             next_day=service.next_answer_day(services, ctx.now)), end_button(services))]


def hold(ctx: Context) -> list[Reply] | None:
    """A short acknowledgement while a person holds the conversation (the bot answers nothing), every
    message kept for them; None otherwise."""
    m = ctx.message
    first_message = not ctx.state
    found = None if first_message or ctx.state.get(FLAG) is False else \
        service.held_chat(ctx.services, m.channel, m.user_id, ctx.now)
    ctx.state[FLAG] = found is not None
    if found is None:
        if ctx.understood.intent not in ("fallback", "media", "handoff") and (m.utterance or "").strip():
            ctx.writes.append(lambda conn: stats.count_bot_answer(conn, m.channel, ctx.now))
        return None
    chat_id, taken = found
    text = (m.utterance or "").strip()
    if squash(text) in {squash(w) for w in service.content(ctx.services).end_words}:
        service.close(ctx.services, chat_id, ctx.now)
        ctx.state[FLAG] = False
        return [Text(service.say(ctx.services, "ended"))]
    kept, now, read_token = text or "[ไฟล์แนบ]", ctx.now, m.read_token
    ctx.writes.append(lambda conn: service.add_citizen_message(conn, chat_id, kept, now, read_token))
    if not text:  # a photo, file or location: the person sees only that one came
        key = "received_attachment"
    else:
        key = "received" if taken or service.in_office_hours(ctx.services, now) else "received_closed"
    return [Text(service.say(ctx.services, key), end_button(ctx.services))]


HANDLERS = {"handoff": handoff}
BEFORE = [hold]

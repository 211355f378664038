"""The channel-neutral core: state kept in the database across restarts, flows, expiry, follow-ups."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

from bot.core.conversation import Bot, Router, follow_up, language_of, understood
from bot.core.messages import Card, CardRow, Incoming, QuickReply, Text, reply_to_dict, visible_text
from bot.handlers import build_router
from bot.storage import utcnow


class CountingFlow:
    """A two-step flow used to exercise the core's flow mechanics."""

    name = "counting"

    def start(self, ctx):
        ctx.start_flow(self.name, "first", {"seen": []})
        return [Text("first?")]

    def step(self, ctx):
        if ctx.message.text == "elsewhere":
            return None
        ctx.flow["data"]["seen"].append(ctx.message.text)
        if ctx.flow["step"] == "first":
            ctx.goto("second")
            return [Text("second?")]
        seen = ctx.flow["data"]["seen"]
        ctx.end_flow()
        return [Text("done " + ",".join(seen))]

    def expired(self, ctx, old):
        return [Text(f"expired at {old['step']}")]


def counting_router() -> Router:
    flow = CountingFlow()
    return Router(fallback=lambda ctx: [Text("fallback")]).add(
        {"start": flow.start, "other": lambda ctx: [Text("other answer")]}, [flow])


class FixedUnderstander:
    def understand(self, text):
        return understood("start" if text == "go" else "other" if text == "elsewhere" else "fallback")


def make_bot(services) -> Bot:
    services.understander = FixedUnderstander()
    return Bot(services, counting_router())


def texts(turn):
    return [r.text for r in turn.replies]


def test_flow_state_survives_a_new_bot_instance(services):
    assert texts(make_bot(services).respond(Incoming("line", "U1", "go"))) == ["first?"]
    # a "restart": a new Bot over the same database
    assert texts(make_bot(services).respond(Incoming("line", "U1", "a"))) == ["second?"]
    assert texts(make_bot(services).respond(Incoming("line", "U1", "b"))) == ["done a,b"]
    assert texts(make_bot(services).respond(Incoming("line", "U1", "c"))) == ["fallback"]


def test_state_is_per_channel_and_user(services):
    bot = make_bot(services)
    bot.respond(Incoming("line", "U1", "go"))
    assert texts(bot.respond(Incoming("facebook", "U1", "x"))) == ["fallback"]
    assert texts(bot.respond(Incoming("line", "U2", "x"))) == ["fallback"]
    assert texts(bot.respond(Incoming("line", "U1", "x"))) == ["second?"]


def test_a_flow_lets_an_unrelated_question_through_and_stays(services):
    bot = make_bot(services)
    bot.respond(Incoming("web", "w", "go"))
    assert texts(bot.respond(Incoming("web", "w", "elsewhere"))) == ["other answer"]
    assert texts(bot.respond(Incoming("web", "w", "a"))) == ["second?"]


def test_an_idle_flow_expires_with_a_note(services):
    bot = make_bot(services)
    start = utcnow()
    bot.respond(Incoming("web", "w", "go"), now=start)
    later = start + timedelta(minutes=services.settings.state_ttl_minutes + 1)
    assert texts(bot.respond(Incoming("web", "w", "a"), now=later)) == ["expired at first", "fallback"]


class CollectingFlow:
    """Collects every message; slow enough that two messages sent together overlap."""

    name = "collect"

    def start(self, ctx):
        ctx.start_flow(self.name, "collect", {"lines": []})
        return [Text("tell me")]

    def step(self, ctx):
        time.sleep(0.05)
        ctx.flow["data"]["lines"].append(ctx.message.text)
        return [Text(f"{len(ctx.flow['data']['lines'])} lines")]

    def expired(self, ctx, old):
        return []


def test_messages_arriving_together_are_all_kept(services):
    flow = CollectingFlow()
    services.understander = FixedUnderstander()
    router = Router(fallback=lambda ctx: [Text("fallback")]).add({"start": flow.start}, [flow])
    Bot(services, router).respond(Incoming("line", "Upar", "go"))
    lines = [f"detail {n}" for n in range(6)]
    # every thread has its own Bot, as web workers do; they share only the database
    threads = [threading.Thread(target=lambda t=t: Bot(services, router).respond(Incoming("line", "Upar", t)))
               for t in lines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state, _ = services.states.load("line", "Upar")
    assert sorted(state["flow"]["data"]["lines"]) == lines


def test_follow_up_continues_the_last_answer():
    bare_year = understood("fallback", 0.3, {"year": 2563})
    assert follow_up(bare_year, "ita.national").intent == "ita.national"
    assert follow_up(bare_year, "contact.phone").intent == "ita.total"  # "ปี62" alone is an ITA question
    assert follow_up(understood("fallback", 0.3, {}), "ita.total").intent == "fallback"
    iit = follow_up(understood("fallback", 1.0, {"tool": "IIT"}), "ita.total", {"year": 2563})
    assert (iit.intent, iit.entities["year"]) == ("ita.tools", 2563)
    level = follow_up(understood("ita.total", 1.0, {}), "ita.total", {"year": 2562})
    assert level.entities["year"] == 2562
    assert follow_up(understood("ita.total", 1.0, {"relative_year": 0}), "ita.total", {"year": 2562}).entities \
        == {"relative_year": 0}


def test_a_number_after_the_list_of_manuals_picks_that_manual():
    class P:
        def __init__(self, id_):
            self.id = id_
    procs = (P("a"), P("b"), P("c"), P("d"))
    four = follow_up(understood("ita.indicator", 1.0, {"indicator": 4}, "ข้อ 4"), "procedure.list", {}, procs)
    assert (four.intent, four.entities) == ("procedure.detail", {"procedure": "d"})
    assert follow_up(understood("fallback", 1.0, {}, "9"), "procedure.list", {}, procs).intent == "fallback"
    assert follow_up(understood("ita.indicator", 1.0, {"indicator": 4}, "ข้อ 4"), "ita.total").intent == \
        "ita.indicator"


def test_language_detection():
    assert language_of("ITA score 2021") == "en"
    assert language_of("ITA ปี 2564") == "th"
    assert language_of("ita") == language_of("ITA 63") == language_of("CR-7K3M-Q9TD") == "th"
    assert language_of("what about the weakest indicator?") == "en"


def test_visible_text_includes_cards_and_quick_reply_labels():
    card = Card(title="T", alt_text="alt", rows=(CardRow("คะแนน", "93.23"),), quick_replies=(QuickReply("L", "t"),))
    assert visible_text(card) == ["T", "คะแนน: 93.23", "L"]
    data = reply_to_dict(card)
    assert data["type"] == "card" and data["text"] == "alt" and data["quick_replies"] == [{"label": "L", "text": "t"}]


def test_every_intent_has_an_answer(bot):
    router = build_router()
    for intent in ["greeting", "help", "thanks", "ita", "contact", "procedure", "news", "fallback"]:
        assert router.handler_for(intent) is not router.fallback or intent == "fallback"


def test_purge_removes_only_old_short_lived_rows(services):
    from bot.storage.models import ProcessedEvent
    from bot.housekeeping import purge

    bot = make_bot(services)
    long_ago = utcnow() - timedelta(days=40)
    bot.respond(Incoming("line", "old-user", "go"), now=long_ago)
    bot.respond(Incoming("line", "new-user", "go"))
    with services.db.session() as s:
        s.add_all([ProcessedEvent(channel="line", event_id="old", received_at=long_ago),
                   ProcessedEvent(channel="line", event_id="new")])
    counts = purge(services.db, timedelta(days=30), history_ttl=timedelta(minutes=30))
    assert counts["conversation_state"] == 1 and counts["processed_event"] == 1
    assert services.states.load("line", "new-user")[0]["flow"]["name"] == "counting"

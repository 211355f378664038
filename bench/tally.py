"""What became of each event, from the fake LINE API's records (no I/O): answered, lost, doubled, and the
time from the event's arrival to its answer reaching LINE.

A record belongs to an event by its reply token, or, for a push, by its recipient (each event of these
parts comes from a user of its own). An event is answered when LINE accepted a reply or a push for it;
it is doubled when LINE accepted the start of its answer twice (a later accepted call whose first message
is the first message of the event's first accepted call: a reply then the same answer pushed, or two
pushes under different retry keys). A next batch of the same answer starts with another message and is
not a second copy; a push refused with 409 (its retry key seen) never reached the user and is not one.
"""
from __future__ import annotations

from .load import Event
from .stats import summary_ms


def answers_by_event(events: list[Event], records: list[dict]) -> dict[int, list[dict]]:
    """Accepted records per event number, in the order LINE accepted them."""
    by_token = {e.reply_token: e.n for e in events}
    by_user: dict[str, int | None] = {}
    for e in events:
        by_user[e.user] = None if e.user in by_user else e.n  # a user of several events names none
    out: dict[int, list[dict]] = {}
    for r in sorted(records, key=lambda r: r["t"]):
        if r.get("status") != 200:
            continue
        n = by_token.get(r.get("token")) if r["kind"] == "reply" else by_user.get(r.get("to"))
        if n is not None:
            out.setdefault(n, []).append(r)
    return out


def tally(events: list[Event], records: list[dict]) -> dict:
    answers = answers_by_event(events, records)
    latencies, doubled, extra = [], 0, 0
    for e in events:
        got = answers.get(e.n)
        if not got:
            continue
        latencies.append(got[0]["t"] - e.scheduled)
        copies = sum(1 for r in got if r["first"] == got[0]["first"])
        doubled += copies > 1
        extra += copies - 1
    errors: dict[str, int] = {}
    for e in events:
        for _, _, status in e.attempts:
            if status != "200":
                errors[status] = errors.get(status, 0) + 1
    webhook = [s for e in events if (s := e.webhook_seconds()) is not None]
    sent = len(events)
    return {"events": sent, "answered": len(latencies), "lost": sent - len(latencies), "doubled": doubled,
            "extra_copies": extra, "doubled_per_500": round(doubled * 500 / sent, 2) if sent else None,
            "webhook_accepted": len(webhook), "webhook_failures": errors,
            "redelivered": sum(1 for e in events if len(e.attempts) > 1),
            "arrival_to_answer": summary_ms(latencies), "webhook": summary_ms(webhook),
            "last_answer_after_seconds": round(max(r["t"] for got in answers.values() for r in got)
                                               - min(e.scheduled for e in events), 2) if answers else None}

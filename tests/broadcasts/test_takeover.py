"""Issue 12's scheduler row: the active scheduler killed mid-broadcast. Its occurrence is taken over as soon
as it has lost the scheduler lease (not after the occurrence's own 10-minute lease), without sending twice,
and staff can finish one by hand with `broadcast send-now --resume ID`."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.broadcasts import claim as claims
from bot.broadcasts import service
from bot.broadcasts.claim import claim, new_owner
from bot.broadcasts.errors import BroadcastStateError
from bot.broadcasts.leader import Leader
from bot.broadcasts.runner import run_due, send_now
from bot.broadcasts.validate import Draft
from bot.cli import main

from .conftest import T0, add_followers

MULTICAST = r"/v2/bot/message/multicast$"


@pytest.fixture
def scheduler_a(bsvc):
    """The active scheduler, which claims an occurrence and is killed before sending it."""
    leader = Leader(bsvc.db, ttl=timedelta(seconds=60))
    assert leader.acquire(T0)
    claims.serve_as(leader.owner)
    yield leader
    claims.serve_as(None)


def claimed_then_killed(bsvc, text: str = "ถึงโรงเรียน") -> tuple[int, int]:
    add_followers(bsvc, "line", 3, segment="schools")
    b = service.create(bsvc, Draft(text=text, run_at=T0, channels=["line"], segment="schools"),
                       now=T0 - timedelta(days=1))
    run_id = claim(bsvc, b.id, b.revision, T0, T0, new_owner())
    assert run_id is not None
    claims.serve_as(None)  # ... and the process is gone
    return b.id, run_id


def test_a_stalled_announcement_is_taken_over_once_its_scheduler_lost_the_lease(bsvc, line_api, policy,
                                                                               scheduler_a):
    broadcast_id, run_id = claimed_then_killed(bsvc)
    # while the dead scheduler's lease still holds, nobody touches its occurrence
    assert run_due(bsvc, T0 + timedelta(seconds=30), policy=policy) == []
    standby = Leader(bsvc.db, ttl=timedelta(seconds=60))
    assert standby.acquire(T0 + timedelta(seconds=61))  # the killed one stopped renewing
    [outcome] = run_due(bsvc, T0 + timedelta(seconds=62), policy=policy)  # minutes before the run's lease ends
    assert (outcome.status, outcome.run_id) == ("sent", run_id)
    assert service.get(bsvc, broadcast_id).status == "sent"
    assert len(line_api.calls("POST", MULTICAST)) == 1
    assert run_due(bsvc, T0 + timedelta(minutes=20), policy=policy) == []


def test_send_now_resume_finishes_a_stalled_announcement_by_hand(bsvc, line_api, policy, scheduler_a):
    broadcast_id, run_id = claimed_then_killed(bsvc)
    with pytest.raises(BroadcastStateError, match="--resume"):  # without it: the sender might be alive
        send_now(bsvc, broadcast_id, T0 + timedelta(seconds=5), policy=policy)
    outcome = send_now(bsvc, broadcast_id, T0 + timedelta(seconds=6), policy=policy, resume=True)
    assert (outcome.status, outcome.run_id) == ("sent", run_id)
    [call] = line_api.calls("POST", MULTICAST)
    assert len(call.json["to"]) == 3
    with pytest.raises(BroadcastStateError):  # nothing left to resume
        send_now(bsvc, broadcast_id, T0 + timedelta(seconds=7), policy=policy, resume=True)


def test_the_cli_takes_resume(settings, bsvc, line_api, scheduler_a, monkeypatch, capsys):
    for key, value in {"DATABASE_URL": settings.database_url, "CONTENT_DIR": str(settings.content_dir),
                       "LINE_CHANNEL_SECRET": settings.line_channel_secret,
                       "LINE_CHANNEL_ACCESS_TOKEN": settings.line_channel_access_token,
                       "LINE_API_BASE_URL": settings.line_api_base_url}.items():
        monkeypatch.setenv(key, value)
    add_followers(bsvc, "line", 2, segment="board")
    b = service.create(bsvc, Draft(text="คณะกรรมการ", run_at=T0, channels=["line"], segment="board"),
                       now=T0 - timedelta(days=1))
    from bot.storage import utcnow

    assert claim(bsvc, b.id, b.revision, T0, utcnow(), new_owner()) is not None
    claims.serve_as(None)
    assert main(["broadcast", "send-now", str(b.id)]) == 1  # still "sending" by a live-looking sender
    assert "--resume" in capsys.readouterr().err
    assert main(["broadcast", "send-now", "--resume", str(b.id)]) == 0
    assert "เรียบร้อย" in capsys.readouterr().out
    assert len(line_api.calls("POST", MULTICAST)) == 1

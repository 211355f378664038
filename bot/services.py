"""The shared services of one process, built once from settings and handed to the core and channels.

Beside what every process needs, a feature keeps here what it builds on first use (its content, a rate
limiter, the outbox kicker): each is a typed field, None until the feature's own `of()`/`kick()` fills it
(with bot.core.lazy.built_once, so a busy worker's threads build it once),
so a test can set one (`services.complaints_content = ...`) and a reader can see all of them in one place.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .config import Settings
from .content import Content, load_content
from .core.state import StateStore
from .storage import Database

if TYPE_CHECKING:
    from limits.strategies import MovingWindowRateLimiter

    from .channels.audience import TouchMemo
    from .complaints.content import ComplaintsContent
    from .knowledge import Knowledge
    from .livechat.service import LiveChatContent
    from .nlu import Understander
    from .office_answers.live import Live
    from .outbox.pool import SendingPool
    from .outbox.worker import Kicker

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    content: Content
    db: Database
    states: StateStore
    understander: Understander | NoUnderstanding
    # Built on first use by the feature named (None until then):
    complaints_content: ComplaintsContent | None = None  # complaints.content.of
    holidays: dict[date, str] | None = None  # complaints.deadlines.holidays
    web_floodgate: MovingWindowRateLimiter | None = None  # complaints.floodgate
    kicker: Kicker | None = None  # outbox.worker.kick
    sending_pool: SendingPool | None = None  # outbox.pool.of (made again in a forked process)
    knowledge: Knowledge | None = None  # knowledge.of (stays None for an office without content/report/)
    livechat_content: LiveChatContent | None = None  # livechat.service.content
    follower_touches: TouchMemo | None = None  # channels.audience (when each follower row was last written)
    office_answers: Live | None = None  # office_answers.live.of (staff answers, ITA years added)


class NoUnderstanding:
    """For processes that never read chat messages (staff commands, the scheduler): no model is trained."""

    def understand(self, text: str):
        raise RuntimeError("this process does not understand chat messages")


def build_understander(content: Content) -> Understander:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from .nlu import Understander

    understander = Understander.from_content(content.directory)
    understander.warm()
    return understander


def build_services(settings: Settings, understander: Understander | NoUnderstanding | None = None) -> Services:
    content = load_content(settings.content_dir)
    db = Database(settings.database_url)
    states = StateStore(db, timedelta(minutes=settings.state_ttl_minutes))
    wire_senders()
    wire_web_chat()
    return Services(settings, content, db, states, understander or build_understander(content))


def wire_web_chat() -> None:
    """What the features add to the web chat (bot/channels/web_hooks.py): the files it takes as evidence,
    and the header of a live chat."""
    from .channels import web_hooks
    from .complaints import web_evidence
    from .livechat import service as livechat

    web_hooks.accepts_from(web_evidence.accepts)
    web_hooks.live_status_from(livechat.web_status)


def wire_senders() -> None:
    """Who sends which outbox rows (bot/outbox/senders.py): the features that write them, wired here, at
    the top, so that the outbox imports none of them."""
    from .channels.outbound import send_row
    from .complaints import alerts, mailer, notifier
    from .outbox import senders

    senders.for_chat(send_row)
    senders.for_channel("email", mailer.send_row)
    senders.for_channel("reporter", notifier.send_row)
    senders.for_purpose("staff_digest", alerts.send_digest)

"""Per-user conversation state in the database, expiring after inactivity."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.storage import Database, utcnow
from bot.storage.models import ConversationState


class StateStore:
    def __init__(self, db: Database, ttl: timedelta):
        self.db = db
        self.ttl = ttl

    def load(self, channel: str, user_id: str, now: datetime | None = None) -> tuple[dict, bool]:
        """The user's state, and whether an older one expired (so a flow can say nothing was filed)."""
        now = now or utcnow()
        with self.db.session() as s:
            row = s.get(ConversationState, (channel, user_id))
            if row is None:
                return {}, False
            if now - row.updated_at > self.ttl:
                return {"expired": dict(row.data or {})}, True
            return dict(row.data or {}), False

    def save(self, channel: str, user_id: str, data: dict, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self.db.session() as s:
            row = s.get(ConversationState, (channel, user_id))
            if row is None:
                s.add(ConversationState(channel=channel, user_id=user_id, data=data, updated_at=now))
            else:
                row.data = data
                row.updated_at = now

    def purge_expired(self, now: datetime | None = None) -> int:
        cutoff = (now or utcnow()) - self.ttl * 48
        with self.db.session() as s:
            return s.execute(delete(ConversationState).where(ConversationState.updated_at < cutoff)).rowcount

    def users_in_flow(self, flow: str) -> list[tuple[str, str]]:
        with self.db.session() as s:
            rows = s.scalars(select(ConversationState)).all()
            return [(r.channel, r.user_id) for r in rows if (r.data or {}).get("flow", {}).get("name") == flow]

"""What staff published, as the running processes read it: each file document's latest published body,
and the name of the revision counter raised by every publish and revert (bot/office_answers/live.py)."""
from __future__ import annotations

from sqlalchemy import select

from bot.office_answers.models import ContentRevision

CONTENT = "content"  # the counter of the files' documents (answers keep their own, "answers")
ANSWER_PREFIX = "answers/"


def overlay(conn) -> dict[str, dict | None]:
    """Each file document's latest published body (answers live in their own tables)."""
    rows = conn.execute(select(ContentRevision.document, ContentRevision.body)
                        .where(ContentRevision.status == "published").order_by(ContentRevision.id))
    return {doc: body for doc, body in rows if not doc.startswith(ANSWER_PREFIX)}

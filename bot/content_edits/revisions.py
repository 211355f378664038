"""Revisions of the office's content documents: a draft (checked when saved), published (checked again
against everything else in use, then in use everywhere within seconds), reverted (the document goes back
to its previous published revision, else to content/). Each publish or revert raises a revision counter
in its own transaction; the console and the command line record who did it in the audit log."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.office_answers import ita_years
from bot.office_answers import revision as counters
from bot.office_answers import store as answers_store
from bot.office_answers.masking import mask
from bot.office_answers.models import ContentRevision, OfficeAnswer, OfficeAnswerExample
from bot.storage import utcnow
from scoring import load_ita

from . import documents, ita_form, published, whole_check
from .published import CONTENT

NEW_ANSWER = "answers/new"


class Refused(ValueError):
    """A change that cannot be published: `problems` are Thai lines, each naming the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class NotFound(LookupError):
    """No such revision, or not in a state that allows it."""


def overlay(session) -> dict[str, dict | None]:
    return published.overlay(session)


def current(session, seed: Path, document: str) -> dict | None:
    """What is in use now for `document` (None when it does not exist)."""
    documents.kind(document)
    if match := documents.ANSWER.match(document):
        return answer_body(session, int(match.group(1)))
    published = overlay(session)
    if document in published:
        return published[document]
    found = documents.read(Path(seed) / documents.file_of(document))
    if found is None and (match := documents.ITA_YEAR.match(document)):  # added by `python -m bot ita add-year`
        added = [y for y in ita_years.stored(session.connection()) if y.year == int(match.group(1))]
        found = documents.plain(added[0].model_dump(mode="json", exclude_defaults=True)) if added else None
    return found


def answer_body(session, answer_id: int) -> dict | None:
    row = session.get(OfficeAnswer, answer_id)
    if row is None:
        return None
    examples = session.scalars(select(OfficeAnswerExample.text).where(OfficeAnswerExample.answer_id == answer_id)
                               .order_by(OfficeAnswerExample.id)).all()
    return {"question": row.question, "answer": row.answer, "examples": list(examples), "link": row.link or ""}


def check(session, seed: Path, document: str, body: dict | None) -> None:
    """Raise Refused naming each wrong field: the document's own schema, then the whole content with it."""
    found = documents.schema_problems(document, body)
    if not found and body and documents.ITA_YEAR.match(document) and body.get("indicators"):
        found = ita_form.disagreements(load_ita(seed), body)
    if not found and not documents.ANSWER.match(document) and document != NEW_ANSWER:
        found = [f"ตรวจทั้งชุดไม่ผ่าน: {line}" for line in
                 whole_check.problems(seed, {**overlay(session), document: body})]
    if found:
        raise Refused(found)


def draft(session, seed: Path, document: str, body: dict | None, author: str) -> ContentRevision:
    """A checked draft, not yet in use."""
    if document != NEW_ANSWER:
        documents.kind(document)
    body = documents.plain(body) if body is not None else None
    check(session, seed, document, body)
    row = ContentRevision(document=document, body=body, status="draft", author=author, reason="")
    session.add(row)
    session.flush()
    return row


def publish(session, seed: Path, revision_id: int, author: str, reason: str) -> ContentRevision:
    """The draft in use (checked again: other documents may have changed since it was saved)."""
    row = session.get(ContentRevision, revision_id)
    if row is None or row.status != "draft":
        raise NotFound(f"no draft {revision_id}")
    check(session, seed, row.document, row.body)
    if row.document == NEW_ANSWER:
        row.document, row.before = f"answers/{_apply_answer(session, None, row.body)}", None
    else:
        row.before = current(session, seed, row.document)
        if documents.ANSWER.match(row.document):
            _apply_answer(session, int(row.document.split("/")[1]), row.body)
    row.status, row.author, row.reason, row.published_at = "published", author, reason.strip()[:500], utcnow()
    _bump(session, row.document)
    return row


def publish_all(session, seed: Path, bodies: dict[str, dict | None], author: str, reason: str) -> None:
    """Several documents at once (an import), checked together: one may need another (a new work group
    and the manual it is responsible for)."""
    found = [f"{doc}: {line}" for doc, body in bodies.items() for line in documents.schema_problems(doc, body)]
    if not found and bodies:
        found = [f"ตรวจทั้งชุดไม่ผ่าน: {line}" for line in whole_check.problems(seed, {**overlay(session), **bodies})]
    if found:
        raise Refused(found)
    now = utcnow()
    for document, body in bodies.items():
        session.add(ContentRevision(document=document, body=body, before=current(session, seed, document),
                                    status="published", author=author, reason=reason, created_at=now,
                                    published_at=now))
        session.flush()
    if bodies:
        counters.bump(session, CONTENT)


def revert(session, seed: Path, revision_id: int, author: str) -> ContentRevision:
    """Undo a published revision: the document is again what its previous published revision (else
    content/, else what was in use before it) says."""
    row = session.get(ContentRevision, revision_id)
    if row is None or row.status != "published":
        raise NotFound(f"no published revision {revision_id}")
    row.status, row.reverted_by, row.reverted_at = "reverted", author, utcnow()
    session.flush()
    if match := documents.ANSWER.match(row.document):
        earlier = session.scalars(select(ContentRevision).where(
            ContentRevision.document == row.document, ContentRevision.status == "published")
            .order_by(ContentRevision.id.desc())).first()
        _apply_answer(session, int(match.group(1)), earlier.body if earlier else row.before)
    else:
        check(session, seed, row.document, current(session, seed, row.document))
    _bump(session, row.document)
    return row


def latest_published_id(session, document: str) -> int | None:
    """The revision in use for `document`: the one a revert undoes."""
    return session.scalars(select(ContentRevision.id).where(ContentRevision.document == document,
                                                            ContentRevision.status == "published")
                           .order_by(ContentRevision.id.desc()).limit(1)).first()


def history(session, document: str | None = None, limit: int = 50) -> list[ContentRevision]:
    query = select(ContentRevision).where(ContentRevision.status != "draft")
    if document:
        query = query.where(ContentRevision.document == document)
    return list(session.scalars(query.order_by(ContentRevision.id.desc()).limit(limit)))


def _bump(session, document: str) -> None:
    counters.bump(session, counters.ANSWERS if documents.ANSWER.match(document) else CONTENT)


def _apply_answer(session, answer_id: int | None, body: dict | None) -> int:
    """The office_answer rows made to say `body` (None deletes the answer); its id."""
    if answer_id is None:
        return answers_store.add_answer(session, body["question"], body["answer"], body.get("examples", []),
                                        link=body.get("link", ""))
    row = session.get(OfficeAnswer, answer_id)
    if body is None:
        if row is not None:
            session.delete(row)
        return answer_id
    if row is None:
        row = OfficeAnswer(id=answer_id, question="", answer="")
        session.add(row)
    row.question, row.answer, row.link = mask(body["question"].strip()), body["answer"].strip(), body.get("link", "")
    for example in session.scalars(select(OfficeAnswerExample).where(OfficeAnswerExample.answer_id == answer_id)):
        session.delete(example)
    session.flush()
    answers_store.add_examples(session, answer_id, body.get("examples", []))
    return answer_id

"""The office's answers and the unanswered questions: what the command line and the console change.
Every change raises the answers' revision in its own transaction, so each process picks it up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, insert, select, update

from bot.storage import utcnow

from . import revision
from .masking import mask
from .models import OfficeAnswer, OfficeAnswerExample, UnansweredGroup, UnansweredQuestion
from .similarity import normalise, resemblance

# Questions kept for review this long, then deleted (daily, with the other short-lived rows).
KEPT_FOR = timedelta(days=90)
# How alike a question must be to an open group's to join it.
SAME_QUESTION = 0.5
# Groups compared with a new question: the most recently started ones.
GROUPS_COMPARED = 500


class NotFound(LookupError):
    """No such group or answer (or the group is not open)."""


@dataclass(frozen=True)
class Group:
    id: int
    status: str
    count: int
    first_seen: datetime
    last_seen: datetime
    examples: list[str]
    answer_id: int | None


def record_unanswered(conn, text: str, now: datetime) -> None:
    """Keep one unanswered question, masked. `conn` is the turn's Core connection: the question is saved
    with the turn, carries no user, and costs the conversation one INSERT; it joins a group when staff
    next look (`group_new`), not while a citizen waits for the answer."""
    masked = mask(text.strip())[:1000]
    if normalise(masked):
        conn.execute(insert(UnansweredQuestion).values(text=masked, asked_at=now))


def group_new(session) -> int:
    """Put each question not yet grouped in the most alike open (or dismissed) group, or a new one; the
    number grouped. Run before the groups are read: two readers at once may both group a question (the
    second's update finds it grouped and leaves it)."""
    new = session.execute(select(UnansweredQuestion.id, UnansweredQuestion.text, UnansweredQuestion.asked_at)
                          .where(UnansweredQuestion.group_id.is_(None)).order_by(UnansweredQuestion.id)).all()
    if not new:
        return 0
    known = [(g.id, g.key) for g in session.execute(
        select(UnansweredGroup.id, UnansweredGroup.key).where(UnansweredGroup.status.in_(("open", "dismissed")))
        .order_by(UnansweredGroup.id.desc()).limit(GROUPS_COMPARED))]
    for question_id, text, asked_at in new:
        key = normalise(text) or text
        scored = [(1.0 if k == key else resemblance(key, k), group_id) for group_id, k in known]
        score, best = max(scored, default=(0.0, None))
        if best is None or score < SAME_QUESTION:
            best = session.execute(insert(UnansweredGroup).values(key=key, status="open", created_at=asked_at)
                                   .returning(UnansweredGroup.id)).scalar_one()
            known.insert(0, (best, key))
        session.execute(update(UnansweredQuestion).where(UnansweredQuestion.id == question_id,
                                                         UnansweredQuestion.group_id.is_(None))
                        .values(group_id=best))
    return len(new)


def groups(session, status: str | None = "open", examples: int = 5) -> list[Group]:
    """Groups with their questions, the most recently asked first (new questions grouped first)."""
    group_new(session)
    stats = (select(UnansweredQuestion.group_id, func.count().label("n"),
                    func.min(UnansweredQuestion.asked_at).label("first"),
                    func.max(UnansweredQuestion.asked_at).label("last"))
             .group_by(UnansweredQuestion.group_id).subquery())
    query = select(UnansweredGroup, stats.c.n, stats.c.first, stats.c.last) \
        .join(stats, stats.c.group_id == UnansweredGroup.id)
    if status:
        query = query.where(UnansweredGroup.status == status)
    found = []
    for g, n, first, last in session.execute(query.order_by(stats.c.last.desc(), UnansweredGroup.id.desc())):
        texts = questions_of(session, g.id)
        found.append(Group(g.id, g.status, n, _utc(first), _utc(last), texts[:examples], g.answer_id))
    return found


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # an aggregate skips the column type


def questions_of(session, group_id: int) -> list[str]:
    """The group's distinct wordings, most asked first."""
    rows = session.execute(select(UnansweredQuestion.text, func.count().label("n"))
                           .where(UnansweredQuestion.group_id == group_id)
                           .group_by(UnansweredQuestion.text).order_by(func.count().desc(), UnansweredQuestion.text))
    return [r.text for r in rows]


def add_answer(session, question: str, answer: str, examples: list[str] = (), now: datetime | None = None,
               link: str = "") -> int:
    """A published answer: the question and its other wordings, masked; in use everywhere once committed."""
    row = OfficeAnswer(question=mask(question.strip()), answer=answer.strip(), link=link.strip(),
                       created_at=now or utcnow())
    session.add(row)
    session.flush()
    add_examples(session, row.id, examples)
    return row.id


def add_examples(session, answer_id: int, examples: list[str]) -> None:
    if session.get(OfficeAnswer, answer_id) is None:
        raise NotFound(f"no answer {answer_id}")
    for text in dict.fromkeys(mask(e.strip()) for e in examples if e.strip()):
        session.add(OfficeAnswerExample(answer_id=answer_id, text=text))
    revision.bump(session, revision.ANSWERS)


def open_group(session, group_id: int) -> UnansweredGroup:
    group = session.get(UnansweredGroup, group_id)
    if group is None or group.status != "open":
        raise NotFound(f"no open group {group_id}")
    return group


def answer_group(session, group_id: int, answer: str, now: datetime | None = None) -> int:
    """A new answer whose question and examples are the group's questions."""
    group = open_group(session, group_id)
    texts = questions_of(session, group_id)
    answer_id = add_answer(session, texts[0] if texts else group.key, answer, texts[1:], now)
    group.status, group.answer_id = "answered", answer_id
    return answer_id


def attach_group(session, group_id: int, answer_id: int) -> None:
    """The group's questions become new wordings of an existing answer."""
    group = open_group(session, group_id)
    add_examples(session, answer_id, questions_of(session, group_id))
    group.status, group.answer_id = "answered", answer_id


def dismiss_group(session, group_id: int) -> None:
    """Not something the office answers: off the list, and alike questions join it quietly."""
    open_group(session, group_id).status = "dismissed"


def purge(session, now: datetime | None = None) -> int:
    """Delete questions asked more than KEPT_FOR ago, and the groups left without any."""
    cutoff = (now or utcnow()) - KEPT_FOR
    deleted = session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < cutoff)).rowcount
    session.execute(delete(UnansweredGroup).where(
        ~select(UnansweredQuestion.id).where(UnansweredQuestion.group_id == UnansweredGroup.id).exists()))
    return deleted


def answers(conn) -> list[tuple[int, str, str, list[str], str]]:
    """Every published answer: (id, question, answer, examples, link)."""
    examples: dict[int, list[str]] = {}
    for answer_id, text in conn.execute(select(OfficeAnswerExample.answer_id, OfficeAnswerExample.text)
                                        .order_by(OfficeAnswerExample.id)):
        examples.setdefault(answer_id, []).append(text)
    return [(a.id, a.question, a.answer, examples.get(a.id, []), a.link or "")
            for a in conn.execute(select(OfficeAnswer.id, OfficeAnswer.question, OfficeAnswer.answer, OfficeAnswer.link)
                                  .order_by(OfficeAnswer.id))]

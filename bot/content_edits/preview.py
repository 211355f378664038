"""A draft seen as the chat would answer with it: the real bot (understanding, handlers, the office's
answers) on a copy of the process's services whose content is the draft laid over what is in use, and a
conversation state that is never saved (a preview leaves no trace: no state, no unanswered question)."""
from __future__ import annotations

import dataclasses
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bot.content import load_content
from bot.core.conversation import Bot
from bot.core.messages import Incoming
from bot.core.state import TurnState
from bot.office_answers import ita_years, live
from bot.office_answers.live import Answer
from bot.office_answers.similarity import Matcher

from . import documents, effective

# What a person would ask to see each document in the chat.
QUESTIONS = {
    "office": ["เบอร์โทรสำนักงาน", "เวลาทำการ", "ที่อยู่สำนักงาน"],
    "news": ["ข่าวล่าสุด"],
}


class Unsaved:
    """A StateStore for one-off turns: every turn starts afresh and nothing is written."""

    @contextmanager
    def turn(self, channel, user_id, now=None, claim=None):
        yield TurnState({}, False)


def questions_for(document: str, body: dict | None) -> list[str]:
    if document in QUESTIONS:
        return QUESTIONS[document]
    if documents.PROCEDURE.match(document) and body:
        return [body.get("title", ""), f"{body.get('short_title') or body.get('title', '')} ใช้เอกสารอะไร"]
    if documents.ITA_YEAR.match(document):
        return [f"ITA ปี {document.split('/')[1]} ได้กี่คะแนน"]
    if body and ("question" in body):
        return [body["question"], *body.get("examples", [])][:4]
    return []


def answers(services, router, seed: Path, overlay: dict[str, dict | None], document: str,
            body: dict | None) -> list[tuple[str, str]]:
    """(question, the chat's answer) for the questions that show this document."""
    with tempfile.TemporaryDirectory(dir=effective.scratch()) as folder:  # the draft's content, for this preview
        copy = dataclasses.replace(services, states=Unsaved(), holidays=None, complaints_content=None,
                                   livechat_content=None)
        if documents.ANSWER.match(document) or document == "answers/new":
            copy.office_answers = _answers_with(services, document, body)
        else:
            files = load_content(effective.write(seed, {**overlay, document: body}, Path(folder) / "content"))
            with services.db.engine.connect() as conn:
                copy.content = dataclasses.replace(files, ita=ita_years.overlay(files.ita, ita_years.stored(conn)))
            copy.office_answers = _frozen(live.of(services), copy)
        return _asked(copy, router, questions_for(document, body))


def _asked(copy, router, questions: list[str]) -> list[tuple[str, str]]:
    quiet = dataclasses.replace(router, unanswered=[])
    bot = Bot(copy, quiet)
    shown = []
    for question in questions:
        if question.strip():
            turn = bot.respond(Incoming("web", "preview", question))
            shown.append((question, "\n\n".join(filter(None, (getattr(r, "text", "") or getattr(r, "alt_text", "")
                                                          for r in turn.replies)))))
    return shown


def _frozen(source: live.Live, services) -> live.Live:
    """A Live that never reloads, with `source`'s answers."""
    copy = live.Live(services)
    copy.answers, copy.matcher = source.answers, source.matcher
    copy.check_every, copy._checked = float("inf"), time.monotonic()
    return copy


def _answers_with(services, document: str, body: dict | None) -> live.Live:
    """The office's answers in use, with this one as drafted."""
    source = live.of(services)
    answer_id = int(document.split("/")[1]) if documents.ANSWER.match(document) else 0
    answers = {k: v for k, v in source.answers.items() if k != answer_id}
    texts, labels = [], []
    if body:
        answers[answer_id] = Answer(answer_id, body["question"], body["answer"], body.get("link", ""))
    for a_id, answer in answers.items():
        wordings = [answer.question]
        if a_id == answer_id and body:
            wordings += body.get("examples", [])
        else:
            wordings += [t for t, label in zip(source.wordings, source.matcher.labels) if label == a_id]
        texts += wordings
        labels += [a_id] * len(wordings)
    copy = _frozen(source, services)
    copy.answers, copy.matcher = answers, Matcher(texts, labels)
    return copy

"""`answers.yaml`, the exchange shape of the office's own answers (kept in the database, bot/office_answers):
what `content export` writes and `content import` reads."""
from __future__ import annotations

from pydantic import Field

from bot.content.models import Strict


class AnswersFile(Strict):
    class Answer(Strict):
        question: str = Field(min_length=1, max_length=1000)
        answer: str = Field(min_length=1, max_length=2000)
        examples: list[str] = []
        link: str = Field(default="", pattern=r"^(https?://\S+)?$")

    answers: list[Answer] = []

"""Shared by the office-answer tests: the command line run in-process on the test's database, and a
citizen's message through the core."""
from __future__ import annotations

import pytest

from bot.cli import main
from bot.core.messages import Incoming


@pytest.fixture
def cli(settings, monkeypatch, capsys):
    """`python -m bot ...` against the test database; returns (exit code, stdout + stderr)."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CONTENT_DIR", str(settings.content_dir))

    def run(*argv: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run


def ask(bot, text: str, user: str = "U-citizen") -> str:
    """What the bot answers, as one text."""
    return "\n".join(getattr(r, "text", "") or getattr(r, "alt_text", "") for r in
                     bot.respond(Incoming("line", user, text)).replies)

"""No process runs on a public key: with no SECRET_KEY one is generated once into the instance folder and
kept, and a key copied from an example is refused at start. A web chat token forged with the old public
development key reads nobody's history."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from bot import config
from bot.channels.webchat import TOKEN_HEADER, TOKEN_SALT
from tests.complaint_helpers import without_web_floodgate

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_DEV_KEY = "dev-only-change-me"  # what every installation without SECRET_KEY used to sign with


@pytest.fixture
def environment(monkeypatch, tmp_path, settings):
    """A process's environment with no key set, and its instance folder in tmp_path."""
    for key, value in {"DATABASE_URL": settings.database_url, "CONTENT_DIR": str(settings.content_dir)}.items():
        monkeypatch.setenv(key, value)
    for key in ("SECRET_KEY", "REPORTER_KEY"):
        monkeypatch.delenv(key, raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setattr(config, "INSTANCE_DIR", instance, raising=False)
    return instance


def test_with_no_secret_key_one_is_generated_into_the_instance_folder_and_reused(environment):
    first = config.from_env()
    key_file = environment / "secret_key"
    assert key_file.read_text().strip() == first.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32 and first.secret_key != PUBLIC_DEV_KEY
    assert first.console_enabled  # the generated key is good enough for staff sessions
    assert first.reporter_secret == first.secret_key.encode()  # REPORTER_KEY unset: SECRET_KEY, as before
    assert config.from_env().secret_key == first.secret_key  # the next start
    assert [p.name for p in environment.iterdir()] == ["secret_key"]  # nothing left aside


def test_workers_starting_together_all_get_the_same_generated_key(tmp_path):
    folder = tmp_path / "instance"
    script = "import sys; from bot.config import instance_secret_key; print(instance_secret_key(sys.argv[1]))"
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "REPORTER_KEY")}
    starts = [subprocess.Popen([sys.executable, "-c", script, str(folder)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, text=True) for _ in range(4)]
    keys = {p.communicate()[0].strip() for p in starts}
    assert len(keys) == 1 and keys == {(folder / "secret_key").read_text().strip()}


def test_a_reporter_key_of_its_own_stays_apart_from_the_generated_secret_key(environment, monkeypatch):
    monkeypatch.setenv("REPORTER_KEY", "r" * 40)
    settings = config.from_env()
    assert settings.reporter_secret == b"r" * 40 and settings.secret_key != "r" * 40


def test_a_chat_token_forged_with_the_public_dev_key_reads_no_history(environment, services):
    from app import create_app

    app = create_app(config.from_env(), services)
    without_web_floodgate(services)
    visitor = app.test_client()
    token = visitor.post("/api/chat", json={"text": "เบอร์โทรสำนักงาน"}).get_json()["token"]
    mine = visitor.get("/api/chat/history", headers={TOKEN_HEADER: token}).get_json()["replies"]
    assert any("เบอร์โทรสำนักงาน" in json.dumps(r, ensure_ascii=False) for r in mine)

    victim = URLSafeTimedSerializer(app.secret_key, salt=TOKEN_SALT).loads(token)
    forged = URLSafeTimedSerializer(PUBLIC_DEV_KEY, salt=TOKEN_SALT).dumps(victim)
    stranger = app.test_client().get("/api/chat/history", headers={TOKEN_HEADER: forged})
    assert stranger.status_code == 200 and stranger.get_json()["replies"] == []


@pytest.mark.parametrize("name, value", [("SECRET_KEY", "change-me"), ("SECRET_KEY", PUBLIC_DEV_KEY),
                                         ("SECRET_KEY", "Please-Change-Me"), ("REPORTER_KEY", PUBLIC_DEV_KEY)])
def test_a_placeholder_key_is_refused_at_start_with_what_to_do(environment, monkeypatch, capsys, name, value):
    from bot.cli import main

    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError, match=name):
        config.from_env()
    assert main(["db", "upgrade"]) == 2
    said = capsys.readouterr().err
    assert f"{name} is a known placeholder" in said and "secrets.token_urlsafe" in said
    assert not environment.exists()  # nothing generated for a process that did not start

"""Shared fixtures: a real database per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
the app wired to local fake LINE and Messenger servers, and one trained understander per office.

Which office: the code's tests run on the invented office `tests/data/office/` (or `CONTENT_DIR`, to run
them on another office's content), so they test code, not one office's data. Tests marked `content` check
the real office's own figures and examples and always run on `content/`."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from bot.config import Settings  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.fakes.platform import fake_facebook, fake_line  # noqa: E402

# Properties are checked, not timed: on a busy 2-core CI machine Hypothesis's 200 ms deadline fails at random.
hypothesis_settings.register_profile("untimed", deadline=None)
hypothesis_settings.load_profile("untimed")

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
"""The real office's content: what tests marked `content` check."""
FIXTURE_OFFICE = ROOT / "tests" / "data" / "office"
OFFICE = Path(os.environ.get("CONTENT_DIR") or FIXTURE_OFFICE).resolve()
"""The office the code's tests run on: the invented test office unless CONTENT_DIR names another."""
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template():
    """A migrated PostgreSQL database that each test copies (CREATE DATABASE ... TEMPLATE) in ~0.1 s."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    name = f"tmpl_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(make_url(base).set(database=name).render_as_string(hide_password=False))
    yield name
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template) -> str:
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    base = os.environ["TEST_DATABASE_URL"]
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pytest_configure(config):
    config.addinivalue_line("markers", "content: checks the real office's data in content/ (runs on content/)")


@pytest.fixture(scope="session")
def _offices() -> dict:
    """Loaded content and trained understanders, once per office directory and session."""
    return {}


@pytest.fixture
def content_dir(request) -> Path:
    return CONTENT if request.node.get_closest_marker("content") else OFFICE


def _cached(offices: dict, key: tuple, build):
    if key not in offices:
        offices[key] = build()
    return offices[key]


@pytest.fixture
def content(content_dir, _offices):
    return _cached(_offices, ("content", content_dir), lambda: load_content(content_dir))


@pytest.fixture
def understander(content, _offices):
    from bot.services import build_understander

    return _cached(_offices, ("understander", content.directory), lambda: build_understander(content))


@pytest.fixture
def line_api():
    fake = fake_line()
    yield fake
    fake.close()


@pytest.fixture
def facebook_api():
    fake = fake_facebook()
    yield fake
    fake.close()


LINE_SECRET = "test-line-channel-secret"
FACEBOOK_SECRET = "test-facebook-app-secret"
# Not a placeholder, so a CLI started from the test's environment may sign with it too; short, so the
# console stays off unless a test gives it a key of its own.
SECRET_KEY = "test-only-key"


@pytest.fixture
def settings(database_url, tmp_path, line_api, facebook_api, content_dir) -> Settings:
    return Settings(
        database_url=database_url,
        content_dir=content_dir,
        secret_key=SECRET_KEY,
        evidence_dir=tmp_path / "evidence",
        line_channel_secret=LINE_SECRET,
        line_channel_access_token="test-line-access-token",
        line_api_base_url=line_api.url,
        line_data_api_base_url=line_api.url,
        facebook_app_secret=FACEBOOK_SECRET,
        facebook_page_access_token="test-page-token",
        facebook_verify_token="test-verify-token",
        facebook_graph_base_url=facebook_api.url,
        media_http_hosts=("127.0.0.1",),  # the fakes' attachment URLs (production: https platform hosts only)
    )


@pytest.fixture
def services(settings, understander):
    from bot.services import build_services

    svc = build_services(settings, understander)
    yield svc
    if svc.sending_pool is not None:  # answers given to the pool by the test's last webhook, then its threads
        svc.sending_pool.wait_idle(30)
        svc.sending_pool.shutdown()
    if svc.kicker is not None:  # a delivery kicked by the test's last commit must not outlive its database
        svc.kicker.idle.wait(10)
    svc.db.dispose()


@pytest.fixture
def bot(services):
    from bot.core.conversation import Bot
    from bot.handlers import build_router

    return Bot(services, build_router())


@pytest.fixture
def app(settings, services):
    from app import create_app

    return create_app(settings, services)


class SettledClient(FlaskClient):
    """A test client that returns once the request's answers have reached the platform (or the outbox):
    a webhook returns before its answer is sent (bot/outbox/pool.py), and tests look at what LINE got."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        services = self.application.extensions["services"]
        if services.sending_pool is not None:
            services.sending_pool.wait_idle(30)
        return response


@pytest.fixture
def client(app):
    app.test_client_class = SettledClient
    return app.test_client()

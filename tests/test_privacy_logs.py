"""Nothing in the logs says where an evidence photo was taken nor which address was rate-limited, even at
LOG_LEVEL=DEBUG, as a process configures its logging (bot/logs.py)."""
from __future__ import annotations

import io
import logging

import pytest

from bot import logs
from bot.complaints import sanitize
from tests.test_reporter_protection import MAKE, MODEL, OWNER, gps_jpeg

CLIENT = "203.0.113.77"
LIMITER = "flask-limiter"  # Flask-Limiter's own logger


@pytest.fixture
def process_logs():
    """The root logger as `logs.configure` leaves it for a process, undone afterwards."""
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    quiet = {name: logging.getLogger(name).level for name in ("PIL", LIMITER)}
    limiter_filters = list(logging.getLogger(LIMITER).filters)
    stream = io.StringIO()

    def configure(level: str) -> io.StringIO:
        logs.configure("plain", level, stream)
        return stream

    yield configure
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger(LIMITER).filters[:] = limiter_filters


def test_cleaning_a_gps_photo_at_debug_logs_no_position_camera_or_owner(process_logs):
    photo = gps_jpeg()
    written = process_logs("DEBUG")
    logging.getLogger("test_privacy").debug("cleaning evidence")  # the level really is DEBUG
    cleaned = sanitize.clean(photo, "image/jpeg")
    assert cleaned.mime == "image/jpeg"
    text = written.getvalue()
    assert "cleaning evidence" in text
    for told in (MAKE, MODEL, OWNER, "GPS", "16.0, 26.0", "100.0, 20.0"):
        assert told not in text, told


def test_a_429_on_the_web_chat_logs_no_client_address(process_logs, services):
    from app import create_app

    services.settings = services.settings.replace(rate_limit_per_address="2 per minute")
    client = create_app(services.settings, services).test_client()
    written = process_logs("DEBUG")
    codes = [client.post("/api/chat", json={"text": "สวัสดี"}, environ_base={"REMOTE_ADDR": CLIENT}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    text = written.getvalue()
    assert "exceeded at endpoint" in text  # the limit is still logged, without whom it stopped
    assert CLIENT not in text

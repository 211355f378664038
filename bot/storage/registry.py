"""Every model module imported once, so `metadata` (Alembic's target) knows every table."""
import bot.broadcasts.models  # noqa: F401
import bot.complaints.models  # noqa: F401
import bot.channels.web_models  # noqa: F401
import bot.console.models  # noqa: F401
import bot.feedback.models  # noqa: F401
import bot.livechat.models  # noqa: F401
import bot.office_answers.models  # noqa: F401
import bot.outbox.models  # noqa: F401
import bot.storage.models  # noqa: F401
from bot.storage.db import Base

metadata = Base.metadata

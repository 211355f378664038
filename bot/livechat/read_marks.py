"""Staff opening a LINE person's chat mark that person's messages read (LINE's markAsReadToken of the
latest message kept, bot/channels/line_account.py), so the person sees a human is there; the tokens used are
then forgotten, so the next opening marks only newer messages."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import update

from .models import LiveChat, LiveChatMessage

if TYPE_CHECKING:
    from bot.services import Services


def latest_token(chat: LiveChat) -> str | None:
    return next((m.read_token for m in reversed(chat.messages) if m.sender == "citizen" and m.read_token), None)


def mark_read(services: Services, chat: LiveChat) -> bool:
    """True when LINE took the read mark; nothing for other channels or when nothing new is unread."""
    from bot.channels.line_account import line_on, mark_as_read

    token = latest_token(chat) if chat.channel == "line" else None
    if not token or not line_on(services.settings) or not mark_as_read(services.settings, token):
        return False
    with services.db.session() as s:
        s.execute(update(LiveChatMessage).where(LiveChatMessage.chat_id == chat.id,
                                                LiveChatMessage.read_token.is_not(None)).values(read_token=None))
    return True

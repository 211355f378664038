"""Messages a channel sends on its own (welcome on follow, hello on joining a group), worded in
content/replies.yaml so the office edits them without touching code."""
from __future__ import annotations

from bot.core.messages import QuickReply, Reply, Text


def menu_quick_replies(content) -> tuple[QuickReply, ...]:
    """The main menu (`menu` in replies.yaml, items "label|text") as quick replies."""
    return content.quick_replies("menu")


def say(content, key: str, with_menu: bool = False) -> list[Reply]:
    return [Text(content.say(key), menu_quick_replies(content) if with_menu else ())]

"""Greeting, help, thanks and the fallback menu."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Reply, Text

from .common import menu
from .contact import hours_text


def greeting(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("greeting"), menu(ctx))]


def help_(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("help"), menu(ctx))]


def thanks(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("thanks"), menu(ctx))]


def fallback(ctx: Context) -> list[Reply]:
    """The one place for a message nothing else answers: say honestly that the bot does not know, and
    how to reach a person. (A later retrieval layer is meant to try the report here first.)"""
    return [Text(ctx.say("fallback", phone=ctx.services.content.office.phone), menu(ctx))]


def who(ctx: Context) -> list[Reply]:
    """ "คุณเป็นใคร", "เป็นบอทหรือคน": an automatic assistant, and how to reach a member of staff."""
    return [Text(ctx.say("who_am_i", phone=ctx.services.content.office.phone, hours=hours_text(ctx)), menu(ctx))]


def media(ctx: Context) -> list[Reply]:
    """A photo, sticker or location outside a complaint: nothing to answer from it but the menu."""
    return [Text(ctx.say("media_outside_flow"), menu(ctx))]


HANDLERS = {"greeting": greeting, "help": help_, "help.who": who, "thanks": thanks, "fallback": fallback, "media": media}

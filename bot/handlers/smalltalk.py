"""Greeting, help, thanks and the fallback menu."""
from __future__ import annotations

from bot.core.conversation import Context
from bot.core.messages import Reply, Text

from .common import menu


def greeting(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("greeting"), menu(ctx))]


def help_(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("help"), menu(ctx))]


def thanks(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("thanks"), menu(ctx))]


def fallback(ctx: Context) -> list[Reply]:
    return [Text(ctx.say("fallback"), menu(ctx))]


def media(ctx: Context) -> list[Reply]:
    """A photo, sticker or location outside a complaint: nothing to answer from it but the menu."""
    return [Text(ctx.say("media_outside_flow"), menu(ctx))]


HANDLERS = {"greeting": greeting, "help": help_, "thanks": thanks, "fallback": fallback, "media": media}

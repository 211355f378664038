"""What several features' flows share around them: private chats only, and a menu when a flow ends."""
from __future__ import annotations

import dataclasses

from .conversation import Context, Flow, Handler
from .messages import Reply, Text


def one_to_one(start: Handler) -> Handler:
    """In a group chat every member shares one conversation, and a reporter's identity and tracking code
    must not be shown to the group: these flows happen only in a private chat with the bot."""
    def guarded(ctx: Context) -> list[Reply]:
        if ctx.message.group:
            return [Text(ctx.say("private_chat_only"))]
        return start(ctx)
    return guarded


class MenuWhenDone:
    """A flow whose last reply (a complaint filed or cancelled, a rating thanked) would leave the person
    with no buttons gets the main menu, so there is always a next step to tap."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.name = flow.name

    def with_menu(self, ctx: Context, replies: list[Reply] | None) -> list[Reply] | None:
        if not replies or ctx.flow is not None or replies[-1].quick_replies:
            return replies
        menu = ctx.services.content.quick_replies("menu", ctx.lang)
        return replies[:-1] + [dataclasses.replace(replies[-1], quick_replies=menu)]

    def start(self, ctx: Context) -> list[Reply]:
        return self.with_menu(ctx, self.flow.start(ctx))

    def step(self, ctx: Context) -> list[Reply] | None:
        return self.with_menu(ctx, self.flow.step(ctx))

    def expired(self, ctx: Context, old: dict) -> list[Reply]:
        return self.flow.expired(ctx, old)

    def __getattr__(self, name: str):
        """Optional hooks of the wrapped flow (`aside`: "the complaint is still open") stay visible to the core."""
        if name == "flow":
            raise AttributeError(name)
        return getattr(self.flow, name)

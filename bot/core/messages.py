"""Channel-neutral messages: what arrives from any platform and what the bot answers.

The core only ever sees these types; channel adapters (bot/channels/) turn platform payloads into an
`Incoming` and render each `Reply` in the platform's own format and limits.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Union


@dataclass(frozen=True)
class Media:
    """An image, file, video or audio the user sent; `ref` is the platform's content id or URL."""

    kind: Literal["image", "file", "video", "audio", "sticker"]
    ref: str
    name: str = ""
    size: int | None = None
    mime: str = ""


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    title: str = ""
    address: str = ""


@dataclass(frozen=True)
class Incoming:
    channel: str
    user_id: str
    text: str = ""
    postback: str = ""  # data of a tapped button; treated like text the bot itself suggested
    media: Media | None = None
    location: Location | None = None
    locale: str = "th"
    group: bool = False  # said in a group chat: user_id is the group's, shared by all its members
    read_token: str = ""  # LINE's markAsReadToken: staff who read it in the live chat mark it read

    @property
    def utterance(self) -> str:
        return self.postback or self.text


@dataclass(frozen=True)
class QuickReply:
    label: str  # shown on the button (LINE allows 20 characters)
    text: str  # sent back as the user's message when tapped


@dataclass(frozen=True)
class Text:
    text: str
    quick_replies: tuple[QuickReply, ...] = ()
    type: str = field(default="text", init=False)


@dataclass(frozen=True)
class CardRow:
    label: str
    value: str
    emphasis: bool = False


@dataclass(frozen=True)
class Card:
    """A summary card (e.g. an ITA score card); `alt_text` is what platforms without cards show."""

    title: str
    alt_text: str
    subtitle: str = ""
    rows: tuple[CardRow, ...] = ()
    footer: str = ""
    link_label: str = ""
    link_url: str = ""
    quick_replies: tuple[QuickReply, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)  # structured figures for charts
    type: str = field(default="card", init=False)

    @property
    def text(self) -> str:
        return self.alt_text


@dataclass(frozen=True)
class Image:
    url: str
    preview_url: str = ""
    alt_text: str = ""
    quick_replies: tuple[QuickReply, ...] = ()
    type: str = field(default="image", init=False)

    @property
    def text(self) -> str:
        return self.alt_text


@dataclass(frozen=True)
class Link:
    text: str
    label: str
    url: str
    quick_replies: tuple[QuickReply, ...] = ()
    type: str = field(default="link", init=False)


Reply = Union[Text, Card, Image, Link]


def visible_text(reply: Reply) -> list[str]:
    """All text a person sees in a reply, card contents and quick-reply labels included."""
    parts: list[str] = []
    if isinstance(reply, Card):
        parts += [reply.title] + ([reply.subtitle] if reply.subtitle else [])
        parts += [f"{r.label}: {r.value}" if r.label else r.value for r in reply.rows]
        parts += [p for p in (reply.footer, reply.link_label) if p]
    elif isinstance(reply, Image):
        parts += [reply.alt_text] if reply.alt_text else []
    elif isinstance(reply, Link):
        parts += [reply.text, f"{reply.label}: {reply.url}"]
    else:
        parts.append(reply.text)
    parts += [q.label for q in reply.quick_replies]
    return parts


def display_text(reply: Reply) -> str:
    """Everything the reply shows, quick-reply labels aside (channels render those as buttons)."""
    labels = {q.label for q in reply.quick_replies}
    return "\n".join(p for p in visible_text(reply) if p not in labels)


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    data = asdict(reply)
    data["type"] = reply.type
    data["text"] = reply.text
    data["quick_replies"] = [{"label": q.label, "text": q.text} for q in reply.quick_replies]
    return data

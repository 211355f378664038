"""A LINE Flex bubble and a Messenger generic template drawn as HTML, so staff see an announcement the way
followers will (not its JSON). Covers what `bot.broadcasts.render` produces: boxes, texts, images, buttons."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

SIZES = {"xxs": ".7rem", "xs": ".75rem", "sm": ".85rem", "md": ".95rem", "lg": "1.1rem", "xl": "1.25rem"}


def _style(c: dict) -> str:
    parts = [f"font-size:{SIZES.get(c.get('size', 'md'), '.95rem')}"]
    if c.get("weight") == "bold":
        parts.append("font-weight:bold")
    if c.get("color"):
        parts.append(f"color:{escape(c['color'])}")
    return ";".join(parts)


def _component(c: dict) -> str:
    kind = c.get("type")
    if kind == "box":
        direction = "row" if c.get("layout") == "horizontal" else "column"
        inner = "".join(_component(x) for x in c.get("contents", []))
        return f'<div class="flex-box" style="display:flex;flex-direction:{direction};gap:.4rem">{inner}</div>'
    if kind == "text":
        return f'<p class="flex-text" style="{_style(c)};margin:0;white-space:pre-wrap">{escape(c.get("text", ""))}</p>'
    if kind == "image":
        return f'<img class="flex-image" src="{escape(c.get("url", ""))}" alt="" style="width:100%;display:block">'
    if kind == "button":
        label = escape(c.get("action", {}).get("label", ""))
        color = escape(c.get("color", "#1E6FB8"))
        return (f'<span class="flex-button" style="display:block;text-align:center;background:{color};color:#fff;'
                f'border-radius:6px;padding:.45rem">{label}</span>')
    return ""


def line_bubble_html(bubble: dict) -> Markup:
    hero = _component(bubble["hero"]) if bubble.get("hero") else ""
    body = _component(bubble.get("body", {}))
    footer = f'<div style="padding:0 .8rem .8rem">{_component(bubble["footer"])}</div>' if bubble.get("footer") else ""
    return Markup(f'<div class="line-bubble">{hero}<div style="padding:.8rem">{body}</div>{footer}</div>')


def messenger_html(messages: list[dict]) -> Markup:
    parts = []
    for m in messages:
        if "attachment" in m:
            for e in m["attachment"]["payload"].get("elements", []):
                img = f'<img src="{escape(e["image_url"])}" alt="" style="width:100%;display:block">' \
                    if e.get("image_url") else ""
                buttons = "".join(f'<span class="fb-button">{escape(b.get("title", ""))}</span>'
                                  for b in e.get("buttons", []))
                parts.append(f'<div class="fb-card">{img}<div style="padding:.6rem .8rem">'
                             f'<strong>{escape(e.get("title", ""))}</strong><br>'
                             f'<span class="muted">{escape(e.get("subtitle", ""))}</span></div>{buttons}</div>')
        elif "text" in m:
            parts.append(f'<p class="fb-text">{escape(m["text"])}</p>')
    return Markup("".join(parts))

"""Long texts cut into platform-sized pieces at a natural break (paragraph, line, space) where possible."""
from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters that join back to `text` (breaks kept at piece ends)."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut >= limit // 2 else limit  # no break in the second half: hard cut
        pieces.append(text[:cut])
        text = text[cut:]
    if text or not pieces:
        pieces.append(text)
    return pieces


def clip(text: str, limit: int, one_line: bool = True) -> str:
    """At most `limit` characters, ending in "…" when cut (titles, subtitles, alt texts)."""
    text = " ".join(text.split()) if one_line else text.strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"

"""Long texts cut into platform-sized pieces at a natural break (paragraph, line, space, else a word
boundary: never mid-word)."""
from __future__ import annotations

from bot.core.textcut import clip, word_prefix

__all__ = ["clip", "split_text"]


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters that join back to `text` (breaks kept at piece ends)."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut >= limit // 2 else len(word_prefix(text, limit))  # else after a whole word
        pieces.append(text[:cut])
        text = text[cut:]
    if text or not pieces:
        pieces.append(text)
    return pieces


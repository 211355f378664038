"""Shortening text for a platform's limits at word boundaries: Thai has no spaces between words, so a cut
at a character count lands mid-word ("ร้องทุก", "หรือหลักฐ"). PyThaiNLP's newmm dictionary finds the
words (bundled with the package: nothing is downloaded)."""
from __future__ import annotations

from functools import lru_cache

ELLIPSIS = "…"


@lru_cache(maxsize=2048)
def words(text: str) -> tuple[str, ...]:
    """The text as newmm words, whitespace kept, so that "".join(words(t)) == t."""
    from pythainlp.tokenize import word_tokenize

    from bot.nlu.wordlist import thai_dictionary  # the default words without PyThaiNLP's 60 MB trie

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=thai_dictionary()))


def word_prefix(text: str, limit: int) -> str:
    """The longest run of whole words from the start within `limit` characters (a hard cut only when the
    first word alone is longer)."""
    if len(text) <= limit:
        return text
    taken, size = [], 0
    for word in words(text[:limit + 40]):  # the words around the limit are all that matter
        if size + len(word) > limit:
            break
        taken.append(word)
        size += len(word)
    return "".join(taken) if taken else text[:limit]


def clip(text: str, limit: int, one_line: bool = True) -> str:
    """At most `limit` characters, cut after a whole word and ending in "…" when cut (titles, subtitles,
    alt texts, button labels)."""
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) <= limit:
        return text
    return word_prefix(text, limit - len(ELLIPSIS)).rstrip() + ELLIPSIS

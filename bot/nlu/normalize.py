"""Turn a chat message into one canonical form, so the rules, entities and model see fewer variants.

LINE messages carry Thai digits, polite particles, stretched letters ("มากกกก"), laughter ("555"),
emoji and habitual misspellings; none of these change what is asked. A complaint tracking code is
kept byte-for-byte (upper-cased) because the citizen will paste it back to us.
"""
from __future__ import annotations

import re

from pythainlp.util import normalize as thai_normalize

from .lexicon import NormalizeConfig

CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4})(?![A-Za-z0-9])")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
# Anything that is not Thai, ASCII letters/digits, whitespace or punctuation that carries meaning here
# (decimals, พ.ศ., ranges, URLs, percentages) is noise: emoji, stickers' alt text symbols, quotes.
NOISE = re.compile(r"[^\u0E00-\u0E7Fa-z0-9\s.\-/:?%@+&,()]")
LAUGH = re.compile(r"(?<![\d.])5{3,}\+*(?![\d.])")
STRETCH = re.compile(r"([^\d\s])\1{2,}")
SPACES = re.compile(r"\s+")
LEADING_VOWELS = "เแโใไ"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


class Normalizer:
    """Compiled from normalize.yaml once; calling it is a handful of regex passes (a few µs)."""

    def __init__(self, config: NormalizeConfig) -> None:
        fixes = {wrong.lower(): right.lower() for wrong, right in config.misspellings.items()}
        # Correct forms are in the alternation too, so "เบอ" -> "เบอร์" never turns "เบอร์" into "เบอร์ร์".
        self._fixes = {**{right: right for right in fixes.values()}, **fixes}
        self._fix = re.compile(_alternation(list(self._fixes))) if self._fixes else None
        # A particle is only stripped where a word ends (a space, punctuation or the end of the message),
        # and not right after a leading vowel, so คะแนน, เจ้า and เยอะ survive.
        ends = _alternation([p.lower() for p in config.particles])
        self._particles = re.compile(rf"(?:{ends})+(?=[\s?!,.]|$)")
        self._anywhere = re.compile(_alternation(config.particles_anywhere)) if config.particles_anywhere else None

    def __call__(self, text: str) -> str:
        parts = CODE.split(text)
        # CODE has one group, so odd positions are codes.
        out = [p.upper() if i % 2 else self._plain(p) for i, p in enumerate(parts)]
        return SPACES.sub(" ", " ".join(p for p in out if p)).strip()

    def _plain(self, text: str) -> str:
        text = ZERO_WIDTH.sub("", text).translate(THAI_DIGITS).lower()
        text = thai_normalize(text)
        text = NOISE.sub(" ", text)
        text = LAUGH.sub(" ", text)
        text = STRETCH.sub(r"\1", text)
        if self._fix is not None:
            text = self._fix.sub(lambda m: self._fixes[m.group(0)], text)
        text = self._particles.sub(self._strip_particle, text)
        if self._anywhere is not None:
            text = self._anywhere.sub(" ", text)
        text = re.sub(r"([?!,])\1+", r"\1", text)
        return SPACES.sub(" ", text).strip()

    @staticmethod
    def _strip_particle(match: re.Match[str]) -> str:
        before = match.string[max(0, match.start() - 2) : match.start()]
        if any(ch in LEADING_VOWELS for ch in before):
            return match.group(0)
        return " "

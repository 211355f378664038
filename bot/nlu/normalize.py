"""Turn a chat message into one canonical form, so the rules, entities and model see fewer variants.

LINE messages carry Thai digits, polite particles, stretched letters ("มากกกก"), laughter ("555"),
emoji and habitual misspellings; none of these change what is asked. A complaint tracking code is
kept byte-for-byte (upper-cased) because the citizen will paste it back to us.
"""
from __future__ import annotations

import re

from bot.core import tracking_codes as codes
from bot.core.thai import THAI_DIGITS

from .lexicon import NormalizeConfig

CODE = codes.pattern(parts=False)
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
# Anything that is not Thai, ASCII letters/digits, whitespace or punctuation that carries meaning here
# (decimals, พ.ศ., ranges, URLs, percentages) is noise: emoji, stickers' alt text symbols, quotes.
NOISE = re.compile(r"[^\u0E00-\u0E7Fa-z0-9\s.\-/:?%@+&,()]")
LAUGH = re.compile(r"(?<![\d.])5{3,}\+*(?![\d.])")
STRETCH = re.compile(r"([^\d\s])\1{2,}")
SPACES = re.compile(r"\s+")
LEADING_VOWELS = "เแโใไ"
MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"  # vowels and tone marks written above/below a consonant
REPEATED_MARK = re.compile(f"([{MARKS}])\\1+")
TONE_BEFORE_VOWEL = re.compile("([\u0e48-\u0e4b])([\u0e31\u0e34-\u0e37\u0e47])")
DANGLING_MARKS = re.compile(f"(^|[^\u0e01-\u0e2e{MARKS}])[{MARKS}]+")


def thai_marks(text: str) -> str:
    """Fix how Thai was typed, not what was typed: เเ -> แ, ํา -> ำ, doubled or misordered marks, and
    marks left dangling (e.g. after an emoji was removed). Same letters on screen, one encoding."""
    text = text.replace("เเ", "แ").replace("\u0e4d\u0e32", "\u0e33")
    text = REPEATED_MARK.sub(r"\1", text)
    text = TONE_BEFORE_VOWEL.sub(r"\2\1", text)
    return DANGLING_MARKS.sub(r"\1", text)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


class Normalizer:
    """Compiled from normalize.yaml once; a call is a few regex passes (tens of µs)."""

    def __init__(self, config: NormalizeConfig) -> None:
        fixes = {wrong.lower(): right.lower() for wrong, right in config.misspellings.items()}
        # Correct forms are in the alternation too, so "เบอ" -> "เบอร์" never turns "เบอร์" into "เบอร์ร์".
        self._fixes = {**{right: right for right in fixes.values()}, **fixes}
        self._fix = re.compile(_alternation(list(self._fixes))) if self._fixes else None
        # A particle is only stripped where a word ends (a space, punctuation or the end of the message),
        # and not where it is the end of a word's own vowel, so คะแนน, เจ้า and เยอะ survive.
        # Romanised particles ("hi ka", "ok krub") must also start a word, or "alaska" would lose "ka".
        thai = _alternation([p for p in config.particles if not p.isascii()])
        latin = _alternation([p.lower() for p in config.particles if p.isascii()])
        ends = "|".join(x for x in (thai, latin and rf"(?<![a-z])(?:{latin})") if x)
        self._particles = re.compile(rf"(?:\s*(?:{ends}))+(?=[\s?!,.]|$)")
        self._anywhere = re.compile(_alternation(config.particles_anywhere)) if config.particles_anywhere else None

    def __call__(self, text: str) -> str:
        parts = CODE.split(ZERO_WIDTH.sub("", text).translate(THAI_DIGITS))
        # CODE has one group, so odd positions are codes.
        out = [p.upper() if i % 2 else self._plain(p) for i, p in enumerate(parts)]
        return SPACES.sub(" ", " ".join(p for p in out if p)).strip()

    def _plain(self, text: str) -> str:
        # Each pass can expose something for another (a stray vowel left alone after emoji removal,
        # a particle after a stretched letter), so repeat until nothing changes; real text settles in 2.
        for _ in range(4):
            cleaned = self._pass(text)
            if cleaned == text:
                break
            text = cleaned
        return text

    def _pass(self, text: str) -> str:
        text = text.lower()
        text = NOISE.sub(" ", text)
        text = thai_marks(text)
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
        text, start = match.string, match.start()
        glued = start > 0 and not text[start].isspace()
        # Glued to a leading vowel it is part of a word: เจ้า (เ+จ้า), and เ-อะ is a vowel: เยอะ, เถอะ.
        if glued and (text[start - 1] in LEADING_VOWELS or (text[start] == "อ" and text[start - 2 : start - 1] == "เ")):
            return match.group(0)
        return " "

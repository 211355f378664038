"""Tracking codes such as `CR-7K3M-Q9TD-HX4B-2NWE`: a category prefix and 16 random characters.

A code is the reporter's key to their case from any account or device (a new phone, another browser,
LINE after a web report), so it is a bearer credential: 16 characters from `secrets` over 31 symbols are
79 bits, beyond guessing at the ten wrong codes an hour a client may try (guesses.py). The alphabet leaves
out 0/O and 1/I/L, which people misread when they copy a code from a phone screen; groups of four keep it
readable. Codes filed before were 8 characters (`CR-7K3M-9XQ2`, 40 bits): they keep working for the
account that filed them, and only for it (`is_bearer`).

`pattern()` is the one description of what a code looks like; the NLU (normalising and finding codes),
the core (telling English from a pasted code) and `find_code` all build theirs from it.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUP, GROUPS = 4, 4  # a new code's random part: four groups of four
OLD_GROUPS = 2  # codes filed before: two groups of four
DASH, TYPED_DASH, NO_DASH = "-", r"\s*[-–]\s*", ""  # TYPED_DASH: with spaces, or an en dash from a phone


def pattern(upper: bool = False, dash: str = DASH, parts: bool = True) -> re.Pattern[str]:
    """A code standing alone (not inside a longer word or number): a prefix of 1-4 letters and four groups
    of four, or two (an older code). `upper`: capitals only (normalised text, or a code typed without
    dashes, where a lower-case word would be taken for one); `dash`: what separates the parts; `parts`:
    capture the prefix and each group (the last two empty for an older code), else the whole code as one
    group."""
    letter, char = ("A-Z", "0-9A-Z") if upper else ("A-Za-z", "0-9A-Za-z")
    prefix, group = f"[{letter}]{{1,4}}", f"[{char}]{{{GROUP}}}"
    if parts:
        code = f"({prefix}){dash}({group}){dash}({group})(?:{dash}({group}){dash}({group}))?"
    else:
        code = f"({prefix}{dash}{group}{dash}{group}(?:{dash}{group}{dash}{group})?)"
    return re.compile(rf"(?<![A-Za-z0-9]){code}(?![A-Za-z0-9])")


WITH_DASHES = pattern(dash=TYPED_DASH)
# Typed without dashes: only upper case with a digit, so that English words are not taken for codes.
RUN_TOGETHER = pattern(upper=True, dash=NO_DASH)


def new_code(prefix: str) -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUP * GROUPS))
    return "-".join([prefix] + [chars[i:i + GROUP] for i in range(0, len(chars), GROUP)])


def is_bearer(code: str) -> bool:
    """A code long enough to show its case's status to whoever types it (a new code); an older one shows
    it only to the account that filed it."""
    return code.count("-") == GROUPS


def _canonical(m: re.Match) -> str:
    return "-".join(g for g in m.groups() if g).upper()


def find_code(text: str) -> str | None:
    """The tracking code in a message, in its canonical form (upper case, dashes), if there is one."""
    text = text or ""
    m = WITH_DASHES.search(text)
    if m:
        return _canonical(m)
    for m in RUN_TOGETHER.finditer(text):
        if any(ch.isdigit() for ch in m.group(0)):
            return _canonical(m)
    return None

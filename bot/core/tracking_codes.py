"""Tracking codes such as `CR-7K3M-9XQ2`: a category prefix and 8 random characters.

Random (from `secrets`), not sequential, so a code says nothing about how many complaints exist and
cannot be guessed from another; the alphabet leaves out 0/O and 1/I/L, which people misread when they
copy a code from a phone screen. 31^8 ≈ 8.5 × 10^11 codes per prefix: collisions are rare, and the
unique constraint plus a retry (service.py) handles the rare one.

`pattern()` is the one description of what a code looks like; the NLU (normalising and finding codes),
the core (telling English from a pasted code) and `find_code` all build theirs from it.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DASH, TYPED_DASH, NO_DASH = "-", r"\s*[-–]\s*", ""  # TYPED_DASH: with spaces, or an en dash from a phone


def pattern(upper: bool = False, dash: str = DASH, parts: bool = True) -> re.Pattern[str]:
    """A code standing alone (not inside a longer word or number): a prefix of 1-4 letters and two groups
    of four. `upper`: capitals only (normalised text, or a code typed without dashes, where a lower-case
    word would be taken for one); `dash`: what separates the three parts; `parts`: capture the prefix and
    both groups, else the whole code as one group."""
    letter, char = ("A-Z", "0-9A-Z") if upper else ("A-Za-z", "0-9A-Za-z")
    prefix, group = f"[{letter}]{{1,4}}", f"[{char}]{{4}}"
    code = f"({prefix}){dash}({group}){dash}({group})" if parts else f"({prefix}{dash}{group}{dash}{group})"
    return re.compile(rf"(?<![A-Za-z0-9]){code}(?![A-Za-z0-9])")


WITH_DASHES = pattern(dash=TYPED_DASH)
# Typed without dashes: only upper case with a digit, so that English words are not taken for codes.
RUN_TOGETHER = pattern(upper=True, dash=NO_DASH)


def new_code(prefix: str) -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def find_code(text: str) -> str | None:
    """The tracking code in a message, in its canonical form (upper case, dashes), if there is one."""
    text = text or ""
    m = WITH_DASHES.search(text)
    if m:
        return "-".join(m.groups()).upper()
    for m in RUN_TOGETHER.finditer(text):
        if any(ch.isdigit() for ch in m.group(0)):
            return "-".join(m.groups())
    return None

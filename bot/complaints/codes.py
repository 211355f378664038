"""Tracking codes such as `CR-7K3M-9XQ2`: a category prefix and 8 random characters.

Random (from `secrets`), not sequential, so a code says nothing about how many complaints exist and
cannot be guessed from another; the alphabet leaves out 0/O and 1/I/L, which people misread when they
copy a code from a phone screen. 31^8 ≈ 8.5 × 10^11 codes per prefix: collisions are rare, and the
unique constraint plus a retry (service.py) handles the rare one.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PATTERN = re.compile(r"^[A-Z]{1,4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
WITH_DASHES = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,4})\s*[-–]\s*([0-9A-Za-z]{4})\s*[-–]\s*([0-9A-Za-z]{4})(?![A-Za-z0-9])")
# Typed without dashes: only upper case with a digit, so that English words are not taken for codes.
RUN_TOGETHER = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,4})([0-9A-Z]{4})([0-9A-Z]{4})(?![A-Za-z0-9])")


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

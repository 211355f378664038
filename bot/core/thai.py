"""Facts of Thai text that the NLU and the features share, in a module that imports nothing (reading a
phone number or a rating must not load the language model's libraries)."""
from __future__ import annotations

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

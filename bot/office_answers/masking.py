"""What a citizen typed may carry who they are: their ID number, phone or e-mail. Masked before a
question is stored, so the office's review list holds questions, never people."""
from __future__ import annotations

import re

# 13-digit Thai ID numbers, also written 1-2345-67890-12-3 or with spaces (Arabic or Thai digits).
THAI_ID = re.compile(r"(?<![\d๐-๙])[\d๐-๙](?:[\s-]?[\d๐-๙]){12}(?![\d๐-๙])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Thai phone numbers: 0X-XXX-XXXX, 08X XXX XXXX, +66 8X..., and other runs of 9 or more digits.
PHONE = re.compile(r"(?<![\d๐-๙])(?:\+?66[\s-]?|0|๐)[\d๐-๙](?:[\s-]?[\d๐-๙]){7,8}(?![\d๐-๙])")
LONG_NUMBER = re.compile(r"(?<![\d๐-๙])[\d๐-๙](?:[\s-]?[\d๐-๙]){8,}(?![\d๐-๙])")

MASKS = ((EMAIL, "[อีเมล]"), (THAI_ID, "[เลขประจำตัว]"), (PHONE, "[เบอร์โทร]"), (LONG_NUMBER, "[ตัวเลข]"))


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text

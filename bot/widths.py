"""How wide text is on screen: a Chinese character (or a full-width form) takes two columns.

The terminal wraps by it, and the Telegram adapter lays buttons out by it: "录入随访结果" has six
characters but is as wide as a twelve-letter English label.
"""

from __future__ import annotations

import unicodedata


def wide(ch: str) -> bool:
    """Whether a character takes two columns (East Asian wide or full-width)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def columns(text: str) -> int:
    """The columns `text` takes in a terminal (and, near enough, in a phone's proportional font)."""
    return sum(2 if wide(ch) else 1 for ch in text)

"""Dates and numbers as each language writes them, with Babel's locale data.

English keeps ISO dates (2026-11-30): they are what a clinician types back into `/done` or `on=`, and
they cannot be misread as day-month or month-day. Chinese writes 2026年11月30日. Numbers use the
locale's decimal sign (the same point in both today).
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from lang import active

DATE_PATTERNS = {"en": "yyyy-MM-dd", "zh": "yyyy年M月d日"}
BABEL_LOCALES = {"en": "en", "zh": "zh_Hans_CN"}


def day(when: date) -> str:
    """A calendar day in the active language."""
    language = active()
    return format_date(when, DATE_PATTERNS[language], locale=BABEL_LOCALES[language])


def number(value: float, places: int = 1) -> str:
    """A number with at most `places` decimals, as the active language writes it (no grouping)."""
    pattern = "0." + "#" * places if places else "0"
    return format_decimal(value, pattern, locale=BABEL_LOCALES[active()])

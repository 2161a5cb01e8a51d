"""Parsers for answers as clinicians type them: `1,2 mg`, `38g/L`, `7w`, `yes`, `vp4`.

Each parser returns the answer as JSON-ready data or raises `Invalid` with a short message that says what was
wrong and what is accepted. No parser raises anything else, whatever the text: the dialogue re-asks instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from planner.ranges import Range


class Invalid(ValueError):
    """An answer that cannot be accepted; the message is shown to the clinician as is.

    `suggestions` are complete answers to offer as buttons (the number with each unit, when the unit was
    left out), so that fixing the answer is one tap.
    """

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = tuple(suggestions)


MAX_ANSWER_CHARS = 200
"""Longer answers are refused before any parsing: no question needs more."""

_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*([^\d\s].*?)?\s*$")
_RELATIVE = re.compile(r"^\s*(\d{1,4})\s*(d|day|days|w|wk|wks|week|weeks)(?:\s+ago)?\s*$", re.I)
_DOTTED = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")

YES = frozenset({"yes", "y", "true", "да", "oui", "si", "ja"})
NO = frozenset({"no", "n", "false", "нет", "non", "nein"})


def clean(text: str) -> str:
    """Trim the answer and refuse what no question can need."""
    if len(text) > MAX_ANSWER_CHARS:
        raise Invalid(f"That answer is too long ({len(text)} characters).")
    stripped = text.strip()
    if not stripped:
        raise Invalid("The answer is empty.")
    return stripped


def parse_number(text: str, bounds: Range, integer: bool = False) -> float | int:
    """A plain number within bounds; a decimal comma is accepted, as many labs print one."""
    raw = clean(text)
    if not re.fullmatch(_NUMBER, raw):
        raise Invalid(f"Send a number, e.g. {_example(bounds, integer)}.")
    value = float(raw.replace(",", "."))
    if integer and not value.is_integer():
        raise Invalid(f"Send a whole number, e.g. {_example(bounds, integer)}.")
    if not bounds.contains(value):
        raise Invalid(f"Out of range: {bounds.describe()}.")
    return int(value) if integer else value


def _example(bounds: Range, integer: bool) -> str:
    mid = (bounds.low + bounds.high) / 2
    return str(int(mid)) if integer else f"{round(mid, 1):g}"


def parse_quantity(
    text: str,
    units: Mapping[str, Range],
    aliases: Mapping[str, str],
    default_unit: str | None = None,
    without_unit: Mapping[str, Range] | None = None,
) -> dict[str, float | str]:
    """A number with its unit, e.g. `21 umol/L`; without a unit, the unit is asked for, not guessed.

    `aliases` maps what people write (lower case, no spaces: `mg`, `umol`, `µmol/l`) to a unit of `units`.
    `default_unit`, when given, is the unit the question itself declares (tumour size in cm).
    A bare number is never read: the units it is plausible in are offered (`without_unit` narrows
    them where the accepted ranges overlap), so albumin 38 offers g/L and 3.8 offers g/dL only.
    """
    raw = clean(text)
    match = _QUANTITY.match(raw)
    accepted = " or ".join(units)
    if not match:
        raise Invalid(f"Send a number with its unit ({accepted}).")
    value = float(match.group(1).replace(",", "."))
    written = (match.group(2) or "").lower().replace(" ", "").replace("μ", "µ")
    if not written:
        if default_unit is None:
            fits = [unit for unit, bounds in units.items() if bounds.contains(value)]
            narrow = without_unit or {}
            plausible = [u for u in fits if u not in narrow or narrow[u].contains(value)] or fits
            if not plausible:
                raise Invalid(f"Out of range for every unit: {_describe_all(units)}.")
            raise Invalid(
                f"Which unit? Send the number with its unit: {' or '.join(plausible)}.",
                [f"{value:g} {unit}" for unit in plausible],
            )
        unit = default_unit
    elif written in aliases:
        unit = aliases[written]
    else:
        raise Invalid(f"Unknown unit '{match.group(2)}': use {accepted}.")
    factor = 1.0
    if unit not in units:  # an alias of another scale, e.g. mm for a question in cm
        unit, factor = _rescale(unit)
    value = round(value * factor, 6)
    if not units[unit].contains(value):
        raise Invalid(f"Out of range: {units[unit].describe()}.")
    return {"value": value, "unit": unit}


def _describe_all(units: Mapping[str, Range]) -> str:
    """Each unit's accepted range, for a number no unit can hold."""
    return "; ".join(bounds.describe() for bounds in units.values())


_SCALES = {"mm": ("cm", 0.1)}


def _rescale(unit: str) -> tuple[str, float]:
    return _SCALES[unit]


def parse_yes_no(text: str) -> bool:
    """Yes or no, in the words people use."""
    raw = clean(text).lower().rstrip(".!")
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise Invalid("Answer yes or no.")


def parse_choice(
    text: str, choices: Sequence[tuple[str, str]], synonyms: Mapping[str, str]
) -> str:
    """One of the choices, by its value, its label, or a synonym."""
    raw = clean(text).lower()
    for value, label in choices:
        if raw in (value.lower(), label.lower()):
            return value
    if raw in synonyms:
        return synonyms[raw]
    listed = ", ".join(value for value, _ in choices)
    raise Invalid(f"Choose one of: {listed}.")


def parse_date(text: str, today: date, earliest: date | None = None) -> str:
    """A past date: ISO `2026-09-01`, `01.09.2026`, `today`, `yesterday`, or `50d` / `7w` ago.

    Slashed dates are refused because 03/04 means March in one country and April in another.
    """
    raw = clean(text).lower()
    when: date | None = None
    if raw == "today":
        when = today
    elif raw == "yesterday":
        when = today - timedelta(days=1)
    elif match := _RELATIVE.match(raw):
        days = int(match.group(1)) * (1 if match.group(2).startswith("d") else 7)
        when = today - timedelta(days=days)
    else:
        when = _absolute(raw)
    if when is None:
        raise Invalid("Send a date as 2026-09-01, 01.09.2026, or how long ago: 50d, 7w.")
    if when > today:
        raise Invalid(f"That date is in the future (today is {today.isoformat()}).")
    if earliest is not None and when < earliest:
        raise Invalid(f"That is before the intervention ({earliest.isoformat()}).")
    return when.isoformat()


def _absolute(raw: str) -> date | None:
    try:
        if match := _DOTTED.match(raw):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        return None


_LABEL = re.compile(r"^[\w .#/-]{1,32}$")
_ID_NUMBER = re.compile(r"\d{6,}")
_NAME = re.compile(r"^[^\W\d_]{2,}(?:[ -][^\W\d_]{2,})+$")
_WARD_WORDS = frozenset({"bed", "room", "ward", "case", "pt", "patient", "study", "icu", "hcc"})


def parse_label(text: str) -> str:
    """A pseudonymous patient label: letters, digits, space and `_ . # / -`, at most 32 characters."""
    raw = clean(text)
    if raw.startswith("/"):
        raise Invalid("A label cannot start with '/'.")
    if not _LABEL.fullmatch(raw):
        raise Invalid("Use at most 32 letters, digits, spaces or _ . # / -, e.g. bed7 or S-014.")
    return raw


def label_warning(label: str) -> str | None:
    """Why a label looks like identifying data (a real name or an ID number), or None."""
    if _ID_NUMBER.search(label):
        return "contains a long number, like a record or ID number"
    words = [w.lower() for w in re.split(r"[ -]", label)]
    if _NAME.fullmatch(label) and not _WARD_WORDS.intersection(words):
        return "looks like a person's name"
    return None

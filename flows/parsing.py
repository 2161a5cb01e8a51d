"""Parsers for answers as clinicians type them: `1,2 mg`, `38g/L`, `7w`, `yes`, `vp4`, `是`, `１２`.

Each parser returns the answer as JSON-ready data or raises `Invalid` with a short message that says what was
wrong and what is accepted, in the active language. No parser raises anything else, whatever the text: the
dialogue re-asks instead. Every answer is first folded (`fold`): what a Chinese input method types
(full-width digits and punctuation, `＝`, `，`, `。`, the ideographic space) reads as its ASCII form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from lang import _, pgettext
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

_RELATIVE_ZH = re.compile(r"^\s*(\d{1,4})\s*(天|日|周|星期)\s*(?:以前|之前|前)?\s*$")
_CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*$")

YES = frozenset({"yes", "y", "true", "да", "oui", "si", "ja", "是", "是的", "有", "对"})
NO = frozenset({"no", "n", "false", "нет", "non", "nein", "否", "不是", "无", "没有", "不"})
"""Yes and no as clinicians type them, Chinese included: a finding is answered 有 (there is) or
无 / 没有 (there is none) as often as 是 / 否."""
TODAY_WORDS = frozenset({"today", "今天", "今日"})
YESTERDAY_WORDS = frozenset({"yesterday", "昨天", "昨日"})

_FULL_WIDTH = {
    **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)},  # ！ to ～: ＝ ， ： ． （ ） １ ａ
    0x3000: ord(" "),  # the ideographic space
    ord("。"): ord("."),  # the ideographic full stop, typed for `.` in Chinese mode (3。5)
}
"""What a Chinese input method types for ASCII: the full-width forms, one for one."""


def fold(text: str) -> str:
    """`text` as ASCII where a Chinese (or other) input method typed a look-alike.

    The full-width forms become ASCII (`＝` `，` `：` `．` `（` `）` `１２` `ａｓｔ`), the ideographic
    space and full stop a space and `.`, and the decimal digits of any script (Arabic-Indic ٧) ASCII
    digits. Every answer, quick-check line and label goes through here, so `ａｓｔ＝４８` is `ast=48`
    and `bed７` is `bed7` everywhere. Chinese characters are left as they are, and so are
    superscripts (unlike NFKC, which would read `5²` as 52): a character is folded only where
    it is the same character typed another way.
    """
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
        for ch in text.translate(_FULL_WIDTH)
    )


def clean(text: str) -> str:
    """Trim the answer, folded to ASCII look-alikes (`fold`), and refuse what no question can need."""
    if len(text) > MAX_ANSWER_CHARS:
        raise Invalid(_("That answer is too long ({count} characters).").format(count=len(text)))
    stripped = fold(text).strip()
    if not stripped:
        raise Invalid(_("The answer is empty."))
    return stripped


_UNIT_WORDS = {
    "years": lambda: pgettext("unit", "years"),
    "nodules": lambda: pgettext("unit", "nodules"),
    "sessions": lambda: pgettext("unit", "sessions"),
    "points": lambda: pgettext("unit", "points"),
}
"""The units of `planner.ranges` that are words, in the active language; symbols (cm, g/L) stay."""


def unit_words(unit: str) -> str:
    """A range's unit in the active language: `years` is 岁 in Chinese; symbols (cm, g/L) as they are."""
    return _UNIT_WORDS[unit]() if unit in _UNIT_WORDS else unit


def describe(bounds: Range) -> str:
    """`must be between 18 and 110 years`, in the active language (`Range.describe` is the
    planner's English, for the contract's validation errors)."""
    unit = unit_words(bounds.unit)
    return _("must be between {low} and {high}{unit}").format(
        low=_bound(bounds.low), high=_bound(bounds.high), unit=f" {unit}" if unit else ""
    )


def _bound(value: float) -> str:
    """A bound written the way a clinician would write it: 70, not 70.0."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def out_of_range(bounds: Range) -> str:
    """`Out of range: must be between 18 and 110 years.`"""
    return _("Out of range: {range}.").format(range=describe(bounds))


def parse_number(text: str, bounds: Range, integer: bool = False) -> float | int:
    """A plain number within bounds; a decimal comma is accepted, as many labs print one."""
    raw = clean(text)
    if not re.fullmatch(_NUMBER, raw):
        raise Invalid(
            _("Send a number, e.g. {example}.").format(example=_example(bounds, integer))
        )
    value = float(raw.replace(",", "."))
    if integer and not value.is_integer():
        raise Invalid(
            _("Send a whole number, e.g. {example}.").format(example=_example(bounds, integer))
        )
    if not bounds.contains(value):
        raise Invalid(out_of_range(bounds))
    return int(value) if integer else value


def _example(bounds: Range, integer: bool) -> str:
    """The range's typical value, else its middle, written as typed: 45, 1.1, 5000000 (not 5e+06)."""
    value = (bounds.low + bounds.high) / 2 if bounds.typical is None else bounds.typical
    return str(int(value)) if integer else f"{round(value, 1):.15g}"


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
    accepted = either(units)
    if not match:
        raise Invalid(_("Send a number with its unit ({units}).").format(units=accepted))
    value = float(match.group(1).replace(",", "."))
    written = (match.group(2) or "").lower().replace(" ", "").replace("μ", "µ")
    if not written:
        if default_unit is None:
            fits = [unit for unit, bounds in units.items() if bounds.contains(value)]
            narrow = without_unit or {}
            plausible = [u for u in fits if u not in narrow or narrow[u].contains(value)] or fits
            if not plausible:
                raise Invalid(
                    _("Out of range for every unit: {ranges}.").format(ranges=_describe_all(units))
                )
            raise Invalid(
                _("Which unit? Send the number with its unit: {units}.").format(
                    units=either(plausible)
                ),
                [f"{value:g} {unit}" for unit in plausible],
            )
        unit = default_unit
    elif written in aliases:
        unit = aliases[written]
    else:
        raise Invalid(
            _("Unknown unit '{unit}': use {units}.").format(unit=match.group(2), units=accepted)
        )
    factor = 1.0
    if unit not in units:  # an alias of another scale, e.g. mm for a question in cm
        unit, factor = _rescale(unit)
    value = round(value * factor, 6)
    if not units[unit].contains(value):
        raise Invalid(out_of_range(units[unit]))
    return {"value": value, "unit": unit}


def either(words: Sequence[str] | Mapping[str, object]) -> str:
    """`g/L or g/dL`: alternatives, joined as the active language joins them."""
    # TRANSLATORS: between alternatives, e.g. "g/L or g/dL" (a unit, a value to type).
    return pgettext("dialogue list", " or ").join(words)


def _describe_all(units: Mapping[str, Range]) -> str:
    """Each unit's accepted range, for a number no unit can hold."""
    # TRANSLATORS: between the accepted ranges of two units.
    return pgettext("dialogue list", "; ").join(describe(bounds) for bounds in units.values())


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
    raise Invalid(_("Answer yes or no."))


def parse_choice(
    text: str,
    choices: Sequence[tuple[str, str | Sequence[str]]],
    synonyms: Mapping[str, str],
    shown: Sequence[str] | None = None,
) -> str:
    """One of the choices, by its value, its label (or any of its labels: one per language), or
    a synonym; otherwise `Invalid` listing `shown` (the labels in the active language), or the
    values when none are given."""
    raw = clean(text).lower()
    for value, labels in choices:
        spelled = (labels,) if isinstance(labels, str) else tuple(labels)
        if raw == value.lower() or raw in (fold(label).lower() for label in spelled):
            return value
    if raw in synonyms:
        return synonyms[raw]
    # TRANSLATORS: between the choices listed in "Choose one of: ..."
    listed = pgettext("dialogue list", ", ").join(
        shown if shown is not None else [value for value, _l in choices]
    )
    raise Invalid(_("Choose one of: {choices}.").format(choices=listed))


def parse_date(text: str, today: date, earliest: date | None = None) -> str:
    """A past date: ISO `2026-09-01`, `01.09.2026`, `today`, `yesterday`, or `50d` / `7w` ago.

    Slashed dates are refused because 03/04 means March in one country and April in another.
    """
    raw = clean(text).lower()
    when: date | None = None
    if raw in TODAY_WORDS:
        when = today
    elif raw in YESTERDAY_WORDS:
        when = today - timedelta(days=1)
    elif match := _RELATIVE.match(raw) or _RELATIVE_ZH.match(raw):
        days = int(match.group(1)) * (1 if match.group(2)[0] in "d天日" else 7)
        when = today - timedelta(days=days)
    else:
        when = _absolute(raw)
    if when is None:
        raise Invalid(_("Send a date as 2026-09-01, 01.09.2026, or how long ago: 50d, 7w."))
    if when > today:
        raise Invalid(
            _("That date is in the future (today is {today}).").format(today=today.isoformat())
        )
    if earliest is not None and when < earliest:
        raise Invalid(
            _("That is before the intervention ({day}).").format(day=earliest.isoformat())
        )
    return when.isoformat()


def _absolute(raw: str) -> date | None:
    try:
        if match := _DOTTED.match(raw):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if match := _CHINESE_DATE.match(raw):  # 2026年9月1日
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        return None


_LABEL = re.compile(r"^[\w .#/-]{1,32}$")
_ID_NUMBER = re.compile(r"\d{6,}")
_NAME = re.compile(r"^[^\W\d_]{2,}(?:[ -][^\W\d_]{2,})+$")
_WARD_WORDS = frozenset({"bed", "room", "ward", "case", "pt", "patient", "study", "icu", "hcc"})
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
"""A Chinese name: a surname and a given name, two to four characters, written without a space."""
_HAN_WARD_CHARACTERS = frozenset("床号室区科例组")
"""Characters of a ward label (七床 bed seven, 三病区 ward three, 病例 case), never of a name."""


_ONE_SCRIPT = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "CJK": "CJK"}
"""Scripts written together in one language, counted as one (Japanese mixes all three)."""


def whole_number(text: str, digits: int = 9) -> int | None:
    """`text` as a whole number if it is at most `digits` ASCII digits, else None.

    `str.isdigit` is true for '²' and for 5,000 digits, which `int` refuses (ValueError) or
    SQLite cannot store (OverflowError); a typed option number or id goes through here instead.
    """
    word = text.strip()
    return int(word) if word.isascii() and word.isdigit() and len(word) <= digits else None


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (`CYRILLIC SMALL LETTER IE` -> CYRILLIC)."""
    first = unicodedata.name(ch, "UNKNOWN").split()[0]
    return _ONE_SCRIPT.get(first, first)


def normalize_label(text: str) -> str:
    """One spelling per label that looks the same: NFKC, and digits of any script in ASCII.

    So `bed٧` (an Arabic-Indic seven) and `ｂｅｄ７` (full width) are bed7 (`fold`), and the
    compatibility forms NFKC knows (`ﬁ`, `²`) are their plain letters and digits: two labels that
    look alike are one. A label mixing alphabets (`bеd7` with a Cyrillic е) cannot be told from
    another by eye: refused.
    """
    folded = fold(unicodedata.normalize("NFKC", text))
    scripts = {_script(ch) for ch in folded if ch.isalpha()}
    if len(scripts) > 1:
        raise Invalid(
            _(
                "That label mixes alphabets (letters that look alike from different scripts): "
                "type it in one alphabet."
            )
        )
    return folded


def parse_label(text: str) -> str:
    """A pseudonymous patient label: letters, digits, space and `_ . # / -`, at most 32 characters,
    normalized so that labels that look the same are the same (`normalize_label`)."""
    raw = normalize_label(clean(text))
    if raw.startswith("/"):
        raise Invalid(_("A label cannot start with '/'."))
    if not _LABEL.fullmatch(raw):
        raise Invalid(
            _("Use at most 32 letters, digits, spaces or _ . # / -, e.g. bed7 or S-014.")
        )
    return raw


def label_warning(label: str) -> str | None:
    """Why a label looks like identifying data (a real name or an ID number), or None."""
    if _ID_NUMBER.search(label):
        # TRANSLATORS: follows the label: "'12345678' contains a long number, ..."
        return _("contains a long number, like a record or ID number")
    words = [w.lower() for w in re.split(r"[ -]", label)]
    latin_name = _NAME.fullmatch(label) and not _WARD_WORDS.intersection(words)
    han_name = _HAN_NAME.fullmatch(label) and not _HAN_WARD_CHARACTERS.intersection(label)
    if latin_name or han_name:
        # TRANSLATORS: follows the label: "'John Smith' looks like a person's name"
        return _("looks like a person's name")
    return None

"""Conversions between Python values and what the store's columns hold: one format per type.

Timestamps are fixed-width UTC strings, so text order is time order; naive datetimes are refused
because their zone is a guess. JSON is compact and strict, and its errors name the field, never
the value (which may be clinical).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

LABEL_MAX = 64
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(value: datetime, what: str = "a time") -> str:
    """A fixed-width UTC string; naive datetimes are refused, since their zone is a guess."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return value.astimezone(UTC).strftime(_TS_FORMAT)


def _opt_ts(value: datetime | None, what: str = "a time") -> str | None:
    return None if value is None else _ts(value, what)


def _parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _opt_parse_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _iso_date(value: date | None) -> str | None:
    """An ISO date; a datetime is refused because its date depends on a zone we do not know."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"next_due must be a date, not {type(value).__name__}")
    return value.isoformat()


def _opt_parse_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _json_default(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    # The type only: the value may be clinical.
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _to_json(value: Mapping[str, Any] | BaseModel, what: str) -> str:
    """Compact JSON of a mapping or pydantic model; errors name the field, never the value."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{what} must be a mapping or a pydantic model, not {type(value).__name__}"
        )
    try:
        return json.dumps(
            dict(value),
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            default=_json_default,
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} cannot be stored as JSON: {exc}") from None


def _label(label: str) -> tuple[str, str]:
    """The label as shown (spaces collapsed) and its key (case- and width-folded) for uniqueness."""
    if not isinstance(label, str):
        raise TypeError(f"a patient label must be a string, not {type(label).__name__}")
    shown = " ".join(unicodedata.normalize("NFC", label).split())
    # The messages below never repeat the label: it may end up in a log.
    if not shown:
        raise ValueError("a patient label must not be empty")
    if len(shown) > LABEL_MAX:
        raise ValueError(f"a patient label must be at most {LABEL_MAX} characters")
    if not shown.isprintable():
        raise ValueError("a patient label must not contain control characters")
    key = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", shown).casefold())
    return shown, key


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}")
    return value

"""Calendar arithmetic of the window (protocol.md D.5)."""

from __future__ import annotations

from datetime import date

import pytest

from planner.timing import add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 9, 1), 3, date(2026, 12, 1)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 10, 31), 3, date(2027, 1, 31)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected

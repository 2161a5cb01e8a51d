"""Dates of the protocol: the next-intervention window (P5, P6) and calendar arithmetic.

No clock is read here: `today` is always passed in, so a plan is reproducible and testable.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from planner.models import Window, WindowStatus
from planner.settings import ProtocolSettings


def add_months(start: date, months: int) -> date:
    """The same day `months` later; a day past the end of a shorter month falls to its last day.

    Aug 31 + 3 months is Nov 30, Nov 30 + 3 months is Feb 28 (protocol.md section D, step 5).
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def next_window(
    last: date, recovered: date | None, today: date, settings: ProtocolSettings
) -> Window:
    """The window of P5 and P6 and where today falls in it; never moved to make it fit."""
    earliest = last + timedelta(days=settings.interval_min_days)
    if recovered is not None:
        earliest = max(earliest, recovered + timedelta(days=settings.recovery_gap_days))
    latest = add_months(last, settings.interval_max_months)
    status: WindowStatus
    if earliest > latest:
        status = "impossible"
    elif today > latest:
        status = "closed"
    elif today < earliest:
        status = "not_yet_open"
    else:
        status = "open"
    return Window(earliest, latest, status)

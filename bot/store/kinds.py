"""The kinds of what the store keeps, each from its one source.

Reminder kinds are the planner's (`planner.schedule.ReminderKind`: what a plan asks to be reminded
of), assessment kinds are the names of the flows that make a plan (`flows.engine.FLOWS`). The
released migration m001 keeps its own frozen copy of the kinds of its day in its CHECK constraints;
a kind added later needs a migration that widens them (see `bot.store.schema`).
"""

from __future__ import annotations

from typing import Literal, get_args

from flows.engine import FLOWS
from planner.schedule import ReminderKind

__all__ = [
    "ASSESSMENT_KINDS",
    "REMINDER_STATUSES",
    "TACE_TECHNIQUES",
    "TECHNIQUES",
    "AssessmentKind",
    "ReminderKind",
    "ReminderStatus",
    "Technique",
    "reminder_kind",
]

AssessmentKind = str
"""The name of the flow that made an assessment: one of `ASSESSMENT_KINDS`."""

ASSESSMENT_KINDS: tuple[str, ...] = tuple(FLOWS)

ReminderStatus = Literal["pending", "sent", "done", "cancelled", "paused"]
"""A reminder's life: pending -> sent -> done; cancelled by a newer plan; paused while blocked."""

REMINDER_STATUSES: tuple[str, ...] = get_args(ReminderStatus)

Technique = Literal["ctace", "deb", "bland", "ethanol"]
"""How a recorded session was done: conventional (lipiodol) TACE, drug-eluting beads, bland
embolization, or percutaneous ethanol injection (m005 keeps the frozen copy of its day)."""

TECHNIQUES: tuple[str, ...] = get_args(Technique)
TACE_TECHNIQUES: tuple[str, ...] = ("ctace", "deb", "bland")
"""The techniques that count as a TACE session (ART, refractoriness); ethanol injection does not."""


def reminder_kind(value: str) -> ReminderKind:
    """The reminder kind named `value`; ValueError naming the allowed kinds otherwise."""
    try:
        return ReminderKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in ReminderKind)
        raise ValueError(f"reminder kind must be one of {allowed}") from None

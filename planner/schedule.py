"""The follow-up reminders a plan implies, as data for a channel to schedule.

Kinds: follow-up imaging due after an intervention (4-6 weeks, guidelines.md 7) or after a hold (P7), and
the next-intervention window opening and closing (P5, P6). Dates only: the channel decides the hour and the
time zone. A reminder already in the past on `today` is not returned, except imaging that is overdue, which
is due today: a missed scan is still worth a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.models import Case, Decision, Plan
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.timing import add_months


class ReminderKind(StrEnum):
    """What a reminder asks the clinician to do."""

    IMAGING_DUE = "imaging_due"
    WINDOW_OPENS = "window_opens"
    WINDOW_CLOSES = "window_closes"


@dataclass(frozen=True)
class ReminderSpec:
    """One reminder: its kind, the day it is due and a sentence saying why."""

    kind: ReminderKind
    due: date
    why: str


def reminders_for(
    case: Case, plan: Plan, settings: ProtocolSettings = DEFAULT_SETTINGS
) -> list[ReminderSpec]:
    """Reminders implied by a plan, in date order."""
    today = plan.today
    out: list[ReminderSpec] = []
    history = case.history
    if plan.decision is Decision.HOLD:
        # Counted from the imaging that showed the response (entered late, it may be weeks ago),
        # and never before today.
        followup = history.followup if history else None
        imaged = followup.imaged_on if followup and followup.imaged_on else today
        due = max(add_months(imaged, settings.reimaging_after_hold_months), today)
        out.append(
            ReminderSpec(
                ReminderKind.IMAGING_DUE,
                due,
                "Follow-up imaging after a hold (P7): decide again on its findings.",
            )
        )
    elif (
        history is not None and history.followup is None and plan.decision is not Decision.NO_TACE
    ):
        first_week, last_week = settings.imaging_after_intervention_weeks
        due = history.last_intervention + timedelta(weeks=first_week)
        out.append(
            ReminderSpec(
                ReminderKind.IMAGING_DUE,
                max(due, today),
                f"Follow-up CT or MRI {first_week}-{last_week} weeks after the intervention of "
                f"{history.last_intervention} (P4).",
            )
        )
    window = plan.window
    if window is not None and window.status != "impossible":
        if window.earliest > today:
            out.append(
                ReminderSpec(
                    ReminderKind.WINDOW_OPENS,
                    window.earliest,
                    f"The window for the next intervention opens (P5, P6); it closes on "
                    f"{window.latest}.",
                )
            )
        if window.latest >= today:
            out.append(
                ReminderSpec(
                    ReminderKind.WINDOW_CLOSES,
                    window.latest,
                    "Last day of the window for the next intervention (P5).",
                )
            )
    elif window is not None and window.earliest >= today:
        out.append(
            ReminderSpec(
                ReminderKind.WINDOW_OPENS,
                window.earliest,
                "Earliest day after recovery (P6); it falls after the 3-month limit of P5, so the "
                "team decides the timing.",
            )
        )
    return sorted(out, key=lambda r: (r.due, r.kind))

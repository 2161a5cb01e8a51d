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
from planner.said import Said, said
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.timing import add_months


class ReminderKind(StrEnum):
    """What a reminder asks the clinician to do."""

    IMAGING_DUE = "imaging_due"
    WINDOW_OPENS = "window_opens"
    WINDOW_CLOSES = "window_closes"


@dataclass(frozen=True)
class ReminderSpec:
    """One reminder: its kind, the day it is due and why, as a sentence code (`lang.plan_words.say`
    words it in the reader's language when the reminder is shown)."""

    kind: ReminderKind
    due: date
    why: Said


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
                said("why.imaging_after_hold"),
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
                said(
                    "why.imaging_after_intervention",
                    first_week=first_week,
                    last_week=last_week,
                    day=history.last_intervention,
                ),
            )
        )
    window = plan.window
    if window is not None and window.status != "impossible":
        if window.earliest > today:
            out.append(
                ReminderSpec(
                    ReminderKind.WINDOW_OPENS,
                    window.earliest,
                    said("why.window_opens", latest=window.latest),
                )
            )
        if window.latest >= today:
            out.append(
                ReminderSpec(
                    ReminderKind.WINDOW_CLOSES,
                    window.latest,
                    said("why.window_closes"),
                )
            )
    elif window is not None and window.earliest >= today:
        out.append(
            ReminderSpec(
                ReminderKind.WINDOW_OPENS,
                window.earliest,
                said("why.window_impossible"),
            )
        )
    return sorted(out, key=lambda r: (r.due, r.kind))

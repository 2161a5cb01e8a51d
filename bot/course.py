"""A patient's course, read from the store, as the planner's `history` needs it.

Issue 12: nothing is retyped once it is recorded. The last intervention and the number of TACE
sessions come from the sessions recorded with `/done`; the baseline is the assessment before the
first recorded session; the previous follow-ups are the earlier follow-ups after it, oldest first.
The planner's ART score and TACE refractoriness then work from the chat with no extra typing.

A course is read as of a day (`on`): a course treated elsewhere or before liverbot was used is
entered after the fact, in date order, and each entry sees the course up to its own day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from bot.store import Assessment, Session
from flows.questions import LAB_IDS
from lang import _, formats
from planner import ReminderKind
from planner.said import said
from planner.schedule import ReminderSpec
from planner.settings import DEFAULT_SETTINGS

IMAGING_TOO_EARLY = timedelta(weeks=3)
"""Imaging less than 3 weeks after a session is accepted with a caution (issue 12): the first
reassessment is advised 4-6 weeks after TACE (guidelines.md section 7), before which inflammation
and lipiodol make the response hard to read."""


@dataclass(frozen=True)
class Course:
    """What the store knows of one patient's course as of `on`."""

    on: date
    sessions: list[Session]
    """Sessions done on or before `on`, oldest first."""
    baseline: dict[str, Any] | None = None
    previous_followups: list[dict[str, Any]] = field(default_factory=list)
    nadir_viable_sum_mm: float | None = None

    @property
    def last(self) -> Session | None:
        """The last intervention (of any technique), or None when none is recorded."""
        return self.sessions[-1] if self.sessions else None

    @property
    def tace_sessions(self) -> int:
        """How many TACE sessions (ethanol injection is not one) were done by `on`."""
        return sum(1 for s in self.sessions if s.is_tace)

    def answers(self) -> dict[str, Any]:
        """The dialogue answers the course supplies: the last intervention, the session count,
        and the course itself (`flows.case` puts it into the planner's history).

        A course of ethanol injection alone has no TACE session: the count is then known to be
        none (None, as a skipped answer), not asked, and not 0, which the planner's range refuses.
        """
        if self.last is None:
            return {}
        course: dict[str, Any] = {"previous_followups": self.previous_followups}
        if self.baseline:
            course["baseline"] = self.baseline
        if self.nadir_viable_sum_mm is not None:
            course["nadir_viable_sum_mm"] = self.nadir_viable_sum_mm
        return {
            "earlier": True,
            "last_intervention": self.last.done_on.isoformat(),
            "sessions": self.tace_sessions or None,
            "course": course,
        }


def typed_last(assessment: Assessment) -> date | None:
    """The last intervention typed into a plan (`last=` or the dialogue's question), or None."""
    day = (assessment.case.get("history") or {}).get("last_intervention")
    try:
        return date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        return None


def typed_days(assessments: Sequence[Assessment], recorded: Sequence[Session]) -> list[date]:
    """Interventions known only from a typed last-intervention day (no session recorded that
    day), oldest first: a course entered before /done, or with `last=`, still has them."""
    days = {s.done_on for s in recorded}
    return sorted({d for a in assessments if (d := typed_last(a)) is not None} - days)


def baseline_candidates(assessments: Sequence[Assessment]) -> dict[str, Any]:
    """The course answer for a patient with no recorded session: each saved assessment's
    baseline values, its day and its typed last intervention, so that a last intervention typed
    now finds the assessment before the first one (`flows.case`)."""
    return {
        "baselines": [
            {
                "on": a.measured_on.isoformat(),
                "last": last.isoformat() if (last := typed_last(a)) else None,
                "values": baseline_of(a),
            }
            for a in assessments
        ]
    }


def followup_of(assessment: Assessment) -> dict[str, Any] | None:
    """The follow-up findings an assessment was planned on (contract shape), or None."""
    history = assessment.case.get("history") or {}
    found = history.get("followup")
    return found if isinstance(found, dict) else None


def baseline_of(assessment: Assessment) -> dict[str, Any]:
    """The values before the first TACE that ART, refractoriness and mRECIST compare against."""
    case, plan = assessment.case, assessment.plan
    tumour, liver = case.get("tumour") or {}, case.get("liver") or {}
    points = (plan.get("child_pugh") or {}).get("points")
    values = {
        "child_pugh_points": points,
        "ast": liver.get("ast"),
        "pvtt": tumour.get("pvtt"),
        "extrahepatic": tumour.get("extrahepatic"),
        "viable_sum_mm": (followup_of(assessment) or {}).get("viable_sum_mm"),
    }
    return {k: v for k, v in values.items() if v is not None}


def read_course(
    assessments: Sequence[Assessment], sessions: Sequence[Session], on: date
) -> Course:
    """The course as of `on`: sessions by then, the baseline, one follow-up per earlier session.

    Previous follow-ups: for each session before the last one, the latest follow-up measured
    after it and by the next session (imaging then treatment on one day counts for the earlier
    session). Only one per session: a scan repeated after one session is not a second failure
    "in a row" of TACE. Imaging under 3 weeks after its session is not that session's follow-up
    (the response cannot be read yet, first reassessment 4-6 weeks after).

    Refractoriness counts insufficient responses after consecutive TACE sessions (JSH 2014):
    ethanol injection is not TACE, so a follow-up after one is not counted and it breaks the
    run; when the last session was one, no earlier follow-up is in a row with the current one.
    The nadir still reads every follow-up's viable sum, whatever the session before it.
    """
    done = [s for s in sessions if s.done_on <= on]
    if not done:
        return Course(on=on, sessions=[])
    first = done[0].done_on
    before = [a for a in assessments if a.measured_on <= first]
    baseline = baseline_of(before[-1]) if before else None
    every: list[dict[str, Any]] = []
    after_tace: list[dict[str, Any]] = []
    for session, following in pairwise(done):
        found = [
            f
            for a in assessments
            if session.done_on + IMAGING_TOO_EARLY <= a.measured_on <= following.done_on
            and (f := followup_of(a)) is not None
        ]
        every += found[-1:]
        after_tace = [*after_tace, *found[-1:]] if session.is_tace else []
    if not done[-1].is_tace:
        after_tace = []
    sums = [f.get("viable_sum_mm") for f in every]
    if baseline is not None:
        sums.append(baseline.get("viable_sum_mm"))
    known = [s for s in sums if isinstance(s, int | float)]
    return Course(
        on=on,
        sessions=done,
        baseline=baseline,
        previous_followups=after_tace,
        nadir_viable_sum_mm=min(known) if known else None,
    )


def latest_labs(assessments: Sequence[Assessment]) -> tuple[date, dict[str, Any]] | None:
    """The latest assessment's lab answers and the day they were measured, or None.

    Labs a follow-up reused keep the day they were measured, not the day they were reused.
    """
    for assessment in reversed(assessments):
        answers = assessment.answers
        labs = {k: answers[k] for k in LAB_IDS if answers.get(k) is not None}
        if not labs:
            continue
        reused = answers.get("latest_labs") if answers.get("labs") == "reuse" else None
        if isinstance(reused, dict) and isinstance(reused.get("on"), str):
            return date.fromisoformat(reused["on"]), labs
        return assessment.measured_on, labs
    return None


def imaging_caution(last_intervention: date | None, imaged_on: date) -> str | None:
    """A caution when follow-up imaging was done less than 3 weeks after the session."""
    if last_intervention is None or imaged_on - last_intervention >= IMAGING_TOO_EARLY:
        return None
    days = (imaged_on - last_intervention).days
    return _(
        "⚠ Imaging {days} days after the intervention of {day}: under 3 weeks, the response is "
        "hard to read (first reassessment 4-6 weeks after TACE). The findings were used as given."
    ).format(days=days, day=formats.day(last_intervention))


def out_of_order(
    label: str, day: date, assessments: Sequence[Assessment], sessions: Sequence[Session]
) -> str | None:
    """Why an entry of `day` would put the course out of date order, or None.

    One rule for a line's `on=` and for `/done`: an entry may share the latest entry's day
    (imaging then treatment on one day) but never come before it, since each entry reads the
    course up to its own day and a later one would then have been planned without it.
    """
    entered = [a.measured_on for a in assessments] + [s.done_on for s in sessions]
    if not entered or day >= max(entered):
        return None
    return _(
        "{day} is before {label}'s latest entry ({latest}): enter the course in date order"
    ).format(day=formats.day(day), label=label, latest=formats.day(max(entered)))


def imaging_still_due(
    last_intervention: date, imaged_on: date, today: date
) -> ReminderSpec | None:
    """The session's follow-up imaging, still due after an early scan (under 3 weeks), or None.

    An early scan is not the reassessment the protocol asks for (4-6 weeks after the session,
    P4): its plan keeps the imaging reminder, so that the real follow-up is not forgotten.
    """
    if imaged_on - last_intervention >= IMAGING_TOO_EARLY:
        return None
    first_week, last_week = DEFAULT_SETTINGS.imaging_after_intervention_weeks
    due = max(last_intervention + timedelta(weeks=first_week), today)
    return ReminderSpec(
        ReminderKind.IMAGING_DUE,
        due,
        said(
            "why.imaging_still_due",
            first_week=first_week,
            last_week=last_week,
            day=last_intervention,
            imaged=imaged_on,
        ),
    )

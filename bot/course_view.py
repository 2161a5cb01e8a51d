"""A patient's course read from the store as the neutral `CourseTimeline` the picture draws.

Everything the picture shows comes from what was saved: the plans (their decision, window and
liver values), the follow-up findings typed into them, the sessions, and the reminders still to
come. Nothing is guessed: a value that was not recorded is left out of the picture.

Sessions and follow-ups: `sessions_and_followups` is the one place they are read. Until the
course tables of issue 12 (sessions recorded with /done) are on main, a session is the "last
intervention" date typed into a saved plan (its technique unknown) and a follow-up is a plan
made on follow-up imaging findings (its mRECIST response, as read or computed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.pictures.course import (
    CourseTimeline,
    FollowUpMark,
    LabMark,
    PlanMark,
    ReminderMark,
    SessionMark,
    WindowSpan,
)
from bot.store import Assessment, Patient, Store
from planner.albi import albi_score
from planner.units import AlbuminUnit, BilirubinUnit, albumin_g_l, bilirubin_umol_l


def course_timeline(
    store: Store, owner_id: int, patient: Patient, zone: ZoneInfo, today: date
) -> CourseTimeline:
    """The owner's patient's course up to `today` (the owner is checked by every read)."""
    assessments = store.assessments(owner_id, patient.label)
    sessions, followups = sessions_and_followups(store, owner_id, patient, assessments, zone)
    upcoming = [u.reminder for u in store.upcoming_reminders(owner_id)]
    reminders = [
        ReminderMark(day=r.fires_at.astimezone(zone).date(), kind=str(r.kind))
        for r in upcoming
        if r.patient_id == patient.id
    ]
    return CourseTimeline(
        label=patient.label,
        today=today,
        plans=[plan_mark(a, zone) for a in assessments],
        sessions=sessions,
        followups=followups,
        windows=windows(assessments),
        reminders=reminders,
        labs=[m for a in assessments if (m := lab_mark(a, zone)) is not None],
    )


def assessed_on(assessment: Assessment, zone: ZoneInfo) -> date:
    """The day a plan's values applied to: the planner's `today`, else the day it was saved."""
    day = assessment.case.get("today")
    if isinstance(day, str):
        try:
            return date.fromisoformat(day)
        except ValueError:
            pass
    return assessment.created_at.astimezone(zone).date()


def plan_mark(assessment: Assessment, zone: ZoneInfo) -> PlanMark:
    """A saved plan as a mark: decision, approach, stage and Child-Pugh."""
    plan = assessment.plan
    child_pugh = plan.get("child_pugh") or {}
    grade = f"{child_pugh.get('class', '')}{child_pugh.get('points', '')}" or None
    return PlanMark(
        day=assessed_on(assessment, zone),
        decision=str(plan.get("decision") or assessment.decision or "?"),
        approach=plan.get("approach"),
        bclc=plan.get("bclc"),
        child_pugh=grade,
    )


def windows(assessments: Sequence[Assessment]) -> list[WindowSpan]:
    """Each plan's next-intervention window; the latest plan's is the current one."""
    out = []
    for index, assessment in enumerate(assessments):
        window = assessment.plan.get("window") or {}
        try:
            start = date.fromisoformat(window["earliest"])
            end = date.fromisoformat(window["latest"])
        except (KeyError, TypeError, ValueError):
            continue
        if start <= end:
            out.append(WindowSpan(start, end, current=index == len(assessments) - 1))
    return out


def lab_mark(assessment: Assessment, zone: ZoneInfo) -> LabMark | None:
    """Bilirubin and albumin of a plan in one unit each, and their ALBI; None when neither."""
    liver = assessment.case.get("liver") or {}
    bilirubin = _value(liver.get("bilirubin"), BilirubinUnit, bilirubin_umol_l)
    albumin = _value(liver.get("albumin"), AlbuminUnit, albumin_g_l)
    if bilirubin is None and albumin is None:
        return None
    albi = None
    if bilirubin is not None and albumin is not None and bilirubin > 0:
        albi = albi_score(bilirubin, BilirubinUnit.UMOL_L, albumin, AlbuminUnit.G_L)
    return LabMark(assessed_on(assessment, zone), bilirubin, albumin, albi)


def _value(raw: Any, unit: Any, convert: Any) -> float | None:
    """A `{"value", "unit"}` lab value in the canonical unit, or None when it is not one."""
    if not isinstance(raw, dict):
        return None
    try:
        return float(convert(float(raw["value"]), unit(raw["unit"])))
    except (KeyError, TypeError, ValueError):
        return None


def followup_findings(assessment: Assessment) -> dict[str, Any] | None:
    """The follow-up imaging findings a plan was made on, or None."""
    history = assessment.case.get("history") or {}
    found = history.get("followup")
    return found if isinstance(found, dict) else None


def sessions_and_followups(
    store: Store,
    owner_id: int,
    patient: Patient,
    assessments: Sequence[Assessment],
    zone: ZoneInfo,
) -> tuple[list[SessionMark], list[FollowUpMark]]:
    """The patient's sessions and follow-up imaging: the one place the course plugs in.

    Today (before issue 12's course tables): each distinct "last intervention" date typed into
    a plan is a session of unknown technique, and each plan made on follow-up findings is a
    follow-up, with the response the plan read or computed. When the store records sessions
    with their technique (issue 12, `store.sessions`), they replace the typed dates here and
    nowhere else; `store` and `owner_id` are taken for that.
    """
    typed = set()
    for assessment in assessments:
        day = (assessment.case.get("history") or {}).get("last_intervention")
        if isinstance(day, str):
            try:
                typed.add(date.fromisoformat(day))
            except ValueError:
                continue
    sessions = [SessionMark(day) for day in sorted(typed)]
    followups = []
    for assessment in assessments:
        findings = followup_findings(assessment)
        if findings is None:
            continue
        response = assessment.plan.get("response") or findings.get("response")
        followups.append(FollowUpMark(assessed_on(assessment, zone), response))
    return sessions, followups

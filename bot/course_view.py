"""A patient's course read from the store as the neutral `CourseTimeline` the picture draws.

Everything the picture shows comes from what was saved: the plans (their decision, window and
liver values), the follow-up findings typed into them, the sessions, and the reminders still to
come. Nothing is guessed: a value that was not recorded is left out of the picture.

Sessions and follow-ups: `sessions_and_followups` is the one place they are read. A session is
one recorded with /done (issue 12), with its technique; a "last intervention" date typed into a
plan on a day with no recorded session is a session of unknown technique (a course entered before
/done existed, or typed with `last=`). A follow-up is a plan made on follow-up imaging findings,
on the day they were measured, with the mRECIST response the plan read or computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.course import followup_of, typed_days
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
    """The day a plan's values were measured (a course entered after the fact keeps its days).

    `zone` is kept for the callers' sake: the store already holds the day in the clinic's terms.
    """
    return assessment.measured_on


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


def sessions_and_followups(
    store: Store,
    owner_id: int,
    patient: Patient,
    assessments: Sequence[Assessment],
    zone: ZoneInfo,
) -> tuple[list[SessionMark], list[FollowUpMark]]:
    """The patient's sessions and follow-up imaging, oldest first: the one place they are read.

    Recorded sessions (/done) carry their technique; a typed "last intervention" date on a day
    with no recorded session is added with its technique unknown, so a course entered before
    /done, or with `last=`, still shows its sessions.
    """
    recorded = store.sessions(owner_id, patient.id)
    sessions = [SessionMark(s.done_on, str(s.technique)) for s in recorded]
    sessions += [SessionMark(day) for day in typed_days(assessments, recorded)]
    sessions.sort(key=lambda s: s.day)
    followups = []
    for assessment in assessments:
        findings = followup_of(assessment)
        if findings is None:
            continue
        response = assessment.plan.get("response") or findings.get("response")
        followups.append(FollowUpMark(assessed_on(assessment, zone), response))
    return sessions, followups

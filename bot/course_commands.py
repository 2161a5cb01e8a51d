"""The course commands of the assistant: `/done` (and the plan's Done buttons), the timeline.

Closing the loop (issue 12): plan -> intervention done -> imaging reminder -> follow-up findings ->
next plan. Recording a session cancels the reminders of the plan it carried out and schedules the
follow-up imaging, in one transaction, so no moment exists with both or neither. Bad input (an
unknown label, a technique not in the list, a date in the future or before the previous session)
gets one line and records nothing. Channel-neutral: the buttons are `Action`s, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, cast

from bot.actions import Act, Action, Button, Message
from bot.course import out_of_order, typed_days
from bot.store import TECHNIQUES, Assessment, DueReminder, Patient, Session, Store, Technique
from flows.parsing import Invalid, parse_date
from flows.render import words_for
from lang.plan_words import contraindication
from planner import ReminderKind
from planner.settings import DEFAULT_SETTINGS
from planner.timing import add_months

TECHNIQUE_WORDS: dict[str, str] = {
    "ctace": "cTACE",
    "deb": "DEB-TACE",
    "bland": "bland embolization",
    "ethanol": "ethanol injection",
}
DEFAULT_TECHNIQUE: dict[str, Technique] = {
    "tace": "ctace",
    "simple_tace": "ctace",
    "ethanol_injection": "ethanol",
}
"""The technique a plan's decision implies when /done does not name one."""
OTHER_DAYS = (1, 2, 3)
"""One-tap days offered by "Done on another day" (days ago); any other is typed with /done."""
DONE_USAGE = "/done LABEL [DATE] [ctace|deb|bland|ethanol]"
NOTHING = "Nothing recorded."


def technique_of(word: str) -> Technique | None:
    """A technique named as in the list (any case), or None."""
    lower = word.lower()
    return cast(Technique, lower) if lower in TECHNIQUES else None


def done_buttons(assessment_id: int) -> list[Button]:
    """The buttons under a saved plan that intervenes."""
    return [
        Button(label="Done today", action=Action(act=Act.SESSION_DONE, target=assessment_id)),
        Button(
            label="Done on another day",
            action=Action(act=Act.SESSION_OTHER_DAY, target=assessment_id),
        ),
    ]


def other_day_question(label: str, plan: Assessment, today: date) -> Message:
    """When was it done: one tap for the last few days, or the command to type. Only days on or
    after the plan's own day are offered: a session before its plan is refused (date order)."""
    buttons = [
        Button(
            label="Yesterday" if days == 1 else f"{days} days ago",
            action=Action(act=Act.SESSION_DONE, target=plan.id, value=f"{days}d"),
        )
        for days in OTHER_DAYS
        if today - timedelta(days=days) >= plan.measured_on
    ]
    words = (
        f"When was it done for {label}? Tap a day, or send /done {label} DATE (e.g. "
        f"/done {label} 2026-09-21 deb) for another day or technique."
    )
    return Message(text=words, buttons=buttons)


class SessionRefused(Exception):
    """A /done that records nothing; the message is the one line the clinician reads."""


def plan_carried_out(latest: Assessment | None, sessions: list[Session]) -> Assessment | None:
    """The plan a session now carries out: the current plan, if it intervenes and no session
    has carried it out yet."""
    if latest is None or latest.decision not in DEFAULT_TECHNIQUE:
        return None
    if any(s.assessment_id == latest.id for s in sessions):
        return None
    return latest


def check_session(
    label: str,
    done_on: date,
    technique: Technique | None,
    assessments: list[Assessment],
    sessions: list[Session],
) -> Technique:
    """The technique to record; SessionRefused with the reason when nothing may be recorded.

    A session may not come before the course's latest entry, plan, follow-up or session alike
    (`out_of_order`): recorded before a follow-up already entered, it would make that imaging
    the follow-up of a session it preceded."""
    latest = assessments[-1] if assessments else None
    if (why := out_of_order(label, done_on, assessments, sessions)) is not None:
        raise SessionRefused(f"{why}. {NOTHING}")
    if sessions:
        previous = sessions[-1].done_on
        if done_on == previous:
            raise SessionRefused(
                f"{label} already has a session on {previous.isoformat()} "
                f"({TECHNIQUE_WORDS[sessions[-1].technique]}). {NOTHING}"
            )
    if technique is not None:
        return technique
    decision = latest.decision if latest is not None else None
    implied = DEFAULT_TECHNIQUE.get(decision or "")
    if implied is None:
        shown = words_for(decision) if decision else "none"
        found = contraindicated(latest.plan) if latest is not None else []
        why = f"; contraindicated: {'; '.join(found)}" if found else ""
        raise SessionRefused(
            f"{label}'s current plan ({shown}{why}) does not intervene: name the technique, "
            f"e.g. /done {label} {done_on.isoformat()} ctace. {NOTHING}"
        )
    return implied


def contraindicated(plan: dict[str, Any]) -> list[str]:
    """The contraindications a saved plan found, each in a few words (its sentence up to the
    colon, without the citation), for a one-line answer."""
    names = plan.get("contraindications") or []
    texts = [contraindication(str(n)) for n in names]
    return [t.split(":")[0].rsplit(" (", 1)[0].rstrip(".") for t in texts]


def interval_warning(previous: Session | None, done_on: date) -> str | None:
    """A warning when a session falls outside P5's interval after the previous one (50 days to
    3 months): recorded as done, since it was, but worth a second look."""
    if previous is None:
        return None
    earliest = previous.done_on + timedelta(days=DEFAULT_SETTINGS.interval_min_days)
    latest = add_months(previous.done_on, DEFAULT_SETTINGS.interval_max_months)
    if earliest <= done_on <= latest:
        return None
    days = (done_on - previous.done_on).days
    return (
        f"⚠ {days} days after the previous session ({previous.done_on.isoformat()}): outside "
        f"the P5 interval ({DEFAULT_SETTINGS.interval_min_days} days to "
        f"{DEFAULT_SETTINGS.interval_max_months} months). Recorded as given."
    )


def read_done_words(words: list[str], today: date) -> tuple[date, Technique | None]:
    """`[DATE] [TECHNIQUE]` in either order; SessionRefused naming the word that is neither."""
    done_on: date | None = None
    technique: Technique | None = None
    for word in words:
        named = technique_of(word)
        if named is not None:
            if technique is not None:
                raise SessionRefused(f"Give one technique. Usage: {DONE_USAGE}. {NOTHING}")
            technique = named
            continue
        try:
            when = date.fromisoformat(parse_date(word, today))
        except Invalid as exc:
            if any(ch.isdigit() for ch in word):
                raise SessionRefused(f"{word[:30]}: {exc} {NOTHING}") from None
            raise SessionRefused(
                f"'{word[:30]}' is not a technique ({', '.join(TECHNIQUES)}) or a date. {NOTHING}"
            ) from None
        if done_on is not None:
            raise SessionRefused(f"Give one date. Usage: {DONE_USAGE}. {NOTHING}")
        done_on = when
    return done_on or today, technique


def record_session(
    store: Store,
    owner_id: int,
    chat_id: int,
    patient: Patient,
    done_on: date,
    technique: Technique | None,
    today: date,
    fire_at: Callable[[date], datetime],
) -> tuple[str, list[int]]:
    """Record the session, cancel what it supersedes, remind of the imaging; (words, ids).

    `fire_at` turns a day into the moment its reminders fire (the clinic's reminder time).
    Raises SessionRefused, having recorded nothing, when the session may not be recorded.
    """
    first_week, last_week = DEFAULT_SETTINGS.imaging_after_intervention_weeks
    with store.transaction():
        sessions = store.sessions(owner_id, patient.id)
        assessments = store.patient_assessments(owner_id, patient.id)
        latest = assessments[-1] if assessments else None
        chosen = check_session(patient.label, done_on, technique, assessments, sessions)
        carried = plan_carried_out(latest, sessions)
        session = store.add_session(
            owner_id, patient.id, done_on, chosen,
            assessment_id=carried.id if carried is not None else None,
        )  # fmt: skip
        cancelled = store.cancel_for_patient(owner_id, patient.id)
        imaging = max(done_on + timedelta(weeks=first_week), today)
        added = store.add_reminders(
            owner_id, patient.id, chat_id,
            [DueReminder(ReminderKind.IMAGING_DUE, fire_at(imaging))],
        )  # fmt: skip
        store.audit(owner_id, "session_recorded", patient_id=patient.id,
                    detail={"session": session.id})  # fmt: skip
    tace_count = sum(1 for s in [*sessions, session] if s.is_tace)
    latest_day = done_on + timedelta(weeks=last_week)
    words = (
        f"Recorded for {patient.label}: {TECHNIQUE_WORDS[chosen]} on {done_on.isoformat()}"
        f" (TACE session {tace_count})."
        if session.is_tace
        else f"Recorded for {patient.label}: {TECHNIQUE_WORDS[chosen]} on {done_on.isoformat()}."
    )
    if cancelled:
        words += " The plan's reminders are cancelled."
    if (warning := interval_warning(sessions[-1] if sessions else None, done_on)) is not None:
        words += "\n" + warning
    words += (
        f"\nFollow-up imaging {first_week}-{last_week} weeks after, by {latest_day.isoformat()}: "
        f"reminder on {imaging.isoformat()}. Then /followup {patient.label} for the findings."
    )
    return words, sorted({*cancelled, *(r.id for r in added)})


def timeline(assessments: list[Assessment], sessions: list[Session]) -> list[str]:
    """One line per plan, session and follow-up, in date order (a session after a plan or
    follow-up of the same day: the course is entered in date order, so the plan it carried out,
    or the imaging that decided it, came first)."""
    events: list[tuple[date, int, str]] = []
    for s in sessions:
        events.append((s.done_on, 1, f"{s.done_on.isoformat()} session: "
                                     f"{TECHNIQUE_WORDS[s.technique]}"))  # fmt: skip
    for day in typed_days(assessments, sessions):
        events.append((day, 1, f"{day.isoformat()} session: technique not recorded"))
    for a in assessments:
        plan = a.plan
        decision = words_for(str(plan.get("decision")), plan.get("approach"))
        followup = ((a.case.get("history") or {}).get("followup")) is not None
        what = "follow-up" if followup else "plan"
        response = plan.get("response")
        seen = f", {str(response).upper()}" if followup and response else ""
        cp = plan.get("child_pugh") or {}
        events.append((a.measured_on, 0, f"{a.measured_on.isoformat()} {what}{seen}: {decision}"
                       f" (BCLC {plan.get('bclc') or '-'}, Child-Pugh "
                       f"{cp.get('class', '-')}{cp.get('points', '')})"))  # fmt: skip
    return [line for _, _, line in sorted(events, key=lambda e: (e[0], e[1]))]

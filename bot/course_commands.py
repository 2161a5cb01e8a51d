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
from bot.wording import TECHNIQUE_WORDS
from flows.parsing import Invalid, parse_date
from flows.render import words_for
from lang import N_, _, formats, ngettext, pgettext
from lang.plan_words import contraindication, join, lead
from planner import ReminderKind
from planner.settings import DEFAULT_SETTINGS
from planner.timing import add_months

DEFAULT_TECHNIQUE: dict[str, Technique] = {
    "tace": "ctace",
    "simple_tace": "ctace",
    "ethanol_injection": "ethanol",
}
"""The technique a plan's decision implies when /done does not name one."""
OTHER_DAYS = (1, 2, 3)
"""One-tap days offered by "Done on another day" (days ago); any other is typed with /done."""
# TRANSLATORS: how /done is typed; LABEL and DATE are what the clinician types, the techniques stay
DONE_USAGE = N_("/done LABEL [DATE] [ctace|deb|bland|ethanol]")
"""How /done is typed (English; `_(DONE_USAGE)` where it is shown)."""


def technique_of(word: str) -> Technique | None:
    """A technique named as in the list (any case), or None."""
    lower = word.lower()
    return cast(Technique, lower) if lower in TECHNIQUES else None


def done_buttons(assessment_id: int) -> list[Button]:
    """The buttons under a saved plan that intervenes."""
    return [
        Button(label=_("Done today"), action=Action(act=Act.SESSION_DONE, target=assessment_id)),
        Button(
            label=_("Done on another day"),
            action=Action(act=Act.SESSION_OTHER_DAY, target=assessment_id),
        ),
    ]


def other_day_question(label: str, plan: Assessment, today: date) -> Message:
    """When was it done: one tap for the last few days, or the command to type. Only days on or
    after the plan's own day are offered: a session before its plan is refused (date order)."""
    buttons = [
        Button(
            label=_("Yesterday")
            if days == 1
            else ngettext("{days} day ago", "{days} days ago", days).format(days=days),
            action=Action(act=Act.SESSION_DONE, target=plan.id, value=f"{days}d"),
        )
        for days in OTHER_DAYS
        if today - timedelta(days=days) >= plan.measured_on
    ]
    words = _(
        "When was it done for {label}? Tap a day, or send /done {label} DATE (e.g. "
        "/done {label} 2026-09-21 deb) for another day or technique."
    ).format(label=label)
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
        raise SessionRefused(_("{why}. Nothing recorded.").format(why=why))
    if sessions:
        previous = sessions[-1].done_on
        if done_on == previous:
            raise SessionRefused(
                _(
                    "{label} already has a session on {day} ({technique}). Nothing recorded."
                ).format(
                    label=label, day=formats.day(previous),
                    technique=TECHNIQUE_WORDS[sessions[-1].technique],
                )
            )  # fmt: skip
    if technique is not None:
        return technique
    decision = latest.decision if latest is not None else None
    implied = DEFAULT_TECHNIQUE.get(decision or "")
    if implied is None:
        shown = words_for(decision) if decision else pgettext("decision", "none")
        found = contraindicated(latest.plan) if latest is not None else []
        if found:
            shown = _("{decision}; contraindicated: {found}").format(
                decision=shown, found=join("semicolon", found)
            )
        raise SessionRefused(
            _(
                "{label}'s current plan ({plan}) does not intervene: name the technique, "
                "e.g. /done {label} {day} ctace. Nothing recorded."
            ).format(label=label, plan=shown, day=done_on.isoformat())
        )
    return implied


def contraindicated(plan: dict[str, Any]) -> list[str]:
    """The contraindications a saved plan found, each in a few words (its sentence up to the
    colon, without the citation), for a one-line answer."""
    names = plan.get("contraindications") or []
    texts = [contraindication(str(n)) for n in names]
    return [lead(t) for t in texts]


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
    return _(
        "⚠ {days} days after the previous session ({day}): outside the P5 interval "
        "({min_days} days to {max_months} months). Recorded as given."
    ).format(
        days=days, day=formats.day(previous.done_on), min_days=DEFAULT_SETTINGS.interval_min_days,
        max_months=DEFAULT_SETTINGS.interval_max_months,
    )  # fmt: skip


def read_done_words(words: list[str], today: date) -> tuple[date, Technique | None]:
    """`[DATE] [TECHNIQUE]` in either order; SessionRefused naming the word that is neither."""
    done_on: date | None = None
    technique: Technique | None = None
    for word in words:
        named = technique_of(word)
        if named is not None:
            if technique is not None:
                raise SessionRefused(
                    _("Give one technique. Usage: {usage}. Nothing recorded.").format(
                        usage=_(DONE_USAGE)
                    )
                )
            technique = named
            continue
        try:
            when = date.fromisoformat(parse_date(word, today))
        except Invalid as exc:
            if any(ch.isdigit() for ch in word):
                raise SessionRefused(
                    _("{word}: {problem} Nothing recorded.").format(word=word[:30], problem=exc)
                ) from None
            raise SessionRefused(
                _(
                    "'{word}' is not a technique ({techniques}) or a date. Nothing recorded."
                ).format(word=word[:30], techniques=join("comma", TECHNIQUES))
            ) from None
        if done_on is not None:
            raise SessionRefused(
                _("Give one date. Usage: {usage}. Nothing recorded.").format(usage=_(DONE_USAGE))
            )
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
    said = {
        "label": patient.label, "technique": TECHNIQUE_WORDS[chosen], "day": formats.day(done_on),
    }  # fmt: skip
    words = (
        _("Recorded for {label}: {technique} on {day} (TACE session {count}).").format(
            count=tace_count, **said
        )
        if session.is_tace
        else _("Recorded for {label}: {technique} on {day}.").format(**said)
    )
    if cancelled:
        words += _(" The plan's reminders are cancelled.")
    if (warning := interval_warning(sessions[-1] if sessions else None, done_on)) is not None:
        words += "\n" + warning
    words += "\n" + _(
        "Follow-up imaging {first_week}-{last_week} weeks after, by {latest_day}: reminder on "
        "{reminder_day}. Then /followup {label} for the findings."
    ).format(
        first_week=first_week, last_week=last_week, latest_day=formats.day(latest_day),
        reminder_day=formats.day(imaging), label=patient.label,
    )  # fmt: skip
    return words, sorted({*cancelled, *(r.id for r in added)})


def timeline(assessments: list[Assessment], sessions: list[Session]) -> list[str]:
    """One line per plan, session and follow-up, in date order (a session after a plan or
    follow-up of the same day: the course is entered in date order, so the plan it carried out,
    or the imaging that decided it, came first)."""
    events: list[tuple[date, int, str]] = []
    for s in sessions:
        events.append((s.done_on, 1, _("{day} session: {technique}").format(
            day=formats.day(s.done_on), technique=TECHNIQUE_WORDS[s.technique])))  # fmt: skip
    for done_on in typed_days(assessments, sessions):
        events.append((done_on, 1, _("{day} session: technique not recorded").format(
            day=formats.day(done_on))))  # fmt: skip
    for a in assessments:
        plan = a.plan
        said = {
            "day": formats.day(a.measured_on),
            "decision": words_for(str(plan.get("decision")), plan.get("approach")),
            "bclc": _("BCLC {stage}").format(stage=plan.get("bclc") or "-"),
            "child_pugh": child_pugh_words(plan.get("child_pugh") or {}),
        }
        followup = ((a.case.get("history") or {}).get("followup")) is not None
        response = plan.get("response")
        if followup and response:
            line = _("{day} follow-up, {response}: {decision} ({bclc}, {child_pugh})").format(
                response=str(response).upper(), **said
            )
        elif followup:
            line = _("{day} follow-up: {decision} ({bclc}, {child_pugh})").format(**said)
        else:
            line = _("{day} plan: {decision} ({bclc}, {child_pugh})").format(**said)
        events.append((a.measured_on, 0, line))
    return [line for _day, _order, line in sorted(events, key=lambda e: (e[0], e[1]))]


def child_pugh_words(child_pugh: dict[str, Any]) -> str:
    """A stored plan's Child-Pugh grade as the language writes it (`Child-Pugh A5`, in Chinese
    `Child-Pugh A 级 5 分`), or `Child-Pugh -` when the plan has none."""
    grade, points = child_pugh.get("class"), child_pugh.get("points")
    if grade is None or points is None:
        return "Child-Pugh -"
    return _("Child-Pugh {grade}{points}").format(grade=grade, points=points)

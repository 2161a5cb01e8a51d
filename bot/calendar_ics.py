"""A clinician's pending reminders and next-intervention windows as an iCalendar (.ics) file.

Clinicians live in their calendars: /calendar and `liverbot calendar` give them one file to
import. Each pending (or paused) reminder is an event at the clinic's reminder time
(LIVERBOT_REMINDER_TIME) in its time zone (LIVERBOT_TZ), named by the patient's pseudonymous
label and what is due, with the planner's sentence saying why. The current plan's window for
the next intervention is an all-day span. UIDs come from the store's ids, so importing a newer
file updates the events instead of adding copies. icalendar is imported only when a file is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.settings import Settings
from bot.store import Assessment, Reminder, Store
from bot.wording import TECHNIQUE_WORDS, reminder_word
from lang import N_, _, formats
from lang.plan_words import say, words_for
from planner import Case, Plan, ReminderKind, reminders_for
from planner.settings import DEFAULT_SETTINGS

PRODID = "-//liverbot//reminders//EN"
UID_DOMAIN = "liverbot"
EVENT_LENGTH = timedelta(minutes=15)
"""A reminder is a prompt, not an appointment: a short event at the reminder time."""
DISCLAIMER = N_("liverbot decision support: the treating team decides.")


@dataclass(frozen=True)
class CalendarEntry:
    """One event before it is iCalendar: a reminder at a time, or a window over whole days."""

    uid: str
    summary: str
    description: str
    start: datetime | date
    end: datetime | date


def reminder_uid(reminder_id: int) -> str:
    """The reminder's event id, the same in every file made (the store never reuses an id)."""
    return f"reminder-{reminder_id}@{UID_DOMAIN}"


def window_uid(assessment_id: int) -> str:
    """The window's event id: one per plan, so a newer plan's window is a new span."""
    return f"window-{assessment_id}@{UID_DOMAIN}"


def entries(store: Store, owner_id: int, settings: Settings, today: date) -> list[CalendarEntry]:
    """The owner's pending and paused reminders in firing order, then their current windows."""
    zone = settings.zone
    out = []
    for upcoming in store.upcoming_reminders(owner_id):
        reminder = upcoming.reminder
        day = reminder.fires_at.astimezone(zone).date()
        start = datetime.combine(day, settings.reminder_time, zone)
        out.append(
            CalendarEntry(
                uid=reminder_uid(reminder.id),
                summary=_("{label}: {what}").format(
                    label=upcoming.label, what=reminder_word(str(reminder.kind))
                ),
                description=f"{why(store, owner_id, reminder, zone)}\n{_(DISCLAIMER)}",
                start=start,
                end=start + EVENT_LENGTH,
            )
        )
    for summary in store.list_patients(owner_id):
        latest = store.latest_assessment(owner_id, summary.patient.id)
        window = (latest.plan.get("window") if latest is not None else None) or {}
        if latest is None or not window.get("earliest") or not window.get("latest"):
            continue
        earliest, latest_day = (date.fromisoformat(window[k]) for k in ("earliest", "latest"))
        if latest_day < today or latest_day < earliest:
            continue
        decision = words_for(str(latest.plan.get("decision")), latest.plan.get("approach"))
        span = _("Plan of {plan_day}: {decision}. Opens {opens}, closes {closes} (P5, P6).")
        out.append(
            CalendarEntry(
                uid=window_uid(latest.id),
                summary=_("{label}: window for the next intervention").format(
                    label=summary.patient.label
                ),
                description=span.format(
                    plan_day=formats.day(latest.created_at.astimezone(zone).date()),
                    decision=decision,
                    opens=formats.day(earliest),
                    closes=formats.day(latest_day),
                )
                + f"\n{_(DISCLAIMER)}",
                start=earliest,
                end=latest_day + timedelta(days=1),  # DTEND of an all-day span is exclusive
            )
        )
    return out


def why(store: Store, owner_id: int, reminder: Reminder, zone: ZoneInfo) -> str:
    """The planner's sentence for the reminder, made again from the plan that set it.

    The sentence is not stored; the plan is, and the planner is deterministic, so its reminder
    of the same kind and day says the same. A reminder from no stored plan says what it is.
    """
    what = reminder_word(str(reminder.kind))
    assessment = None
    if reminder.assessment_id is not None:
        assessment = next(
            (a for a in _plans_of(store, owner_id, reminder) if a.id == reminder.assessment_id),
            None,
        )
    if assessment is None:
        return after_session(store, owner_id, reminder, zone) or _("{what}.").format(
            what=_capital(what)
        )
    due = reminder.due_at.astimezone(zone).date()
    try:
        specs = reminders_for(
            Case.model_validate(assessment.case), Plan.model_validate(assessment.plan)
        )
    except ValueError:
        specs = []
    for spec in specs:
        if spec.kind.value == str(reminder.kind) and spec.due == due:
            return say(spec.why)
    return _("{what}, from the plan of {day}.").format(
        what=_capital(what), day=formats.day(assessment.created_at.date())
    )


def _capital(words: str) -> str:
    """Words that open a sentence (a capital in English; Chinese has none)."""
    return f"{words[:1].upper()}{words[1:]}"


def after_session(store: Store, owner_id: int, reminder: Reminder, zone: ZoneInfo) -> str | None:
    """Why the imaging reminder of a recorded session (/done sets it, with no plan): the session."""
    if str(reminder.kind) != ReminderKind.IMAGING_DUE.value:
        return None
    due = reminder.due_at.astimezone(zone).date()
    before = [s for s in store.sessions(owner_id, reminder.patient_id) if s.done_on <= due]
    if not before:
        return None
    last = before[-1]
    first_week, last_week = DEFAULT_SETTINGS.imaging_after_intervention_weeks
    return _(
        "Follow-up CT or MRI {first_week}-{last_week} weeks after the {technique} of {day} (P4)."
    ).format(
        first_week=first_week, last_week=last_week, technique=TECHNIQUE_WORDS[last.technique],
        day=formats.day(last.done_on),
    )  # fmt: skip


def _plans_of(store: Store, owner_id: int, reminder: Reminder) -> list[Assessment]:
    patient = store.patient(owner_id, reminder.patient_id)
    return store.assessments(owner_id, patient.label) if patient is not None else []


def calendar_bytes(entries_: list[CalendarEntry], zone: ZoneInfo, now: datetime) -> bytes:
    """The entries as an .ics file (RFC 5545), with the time zone they are given in."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "liverbot")
    calendar.add("x-wr-timezone", zone.key)
    for entry in entries_:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", now)
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("dtstart", entry.start)
        event.add("dtend", entry.end)
        event.add("transp", "TRANSPARENT")  # a prompt does not make the clinician busy
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def calendar_for(store: Store, owner_id: int, settings: Settings, now: datetime) -> bytes:
    """The owner's calendar file as of `now`."""
    today = now.astimezone(settings.zone).date()
    return calendar_bytes(entries(store, owner_id, settings, today), settings.zone, now)

"""What the store returns: frozen records, and how each is read from its row."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from bot.store.convert import _opt_parse_date, _opt_parse_ts, _parse_ts
from bot.store.kinds import (
    TACE_TECHNIQUES,
    AssessmentKind,
    ReminderKind,
    ReminderStatus,
    Technique,
)


@dataclass(frozen=True, slots=True)
class Clinician:
    """A Telegram user who has written to the bot, and where to reach them."""

    user_id: int
    chat_id: int
    first_seen: datetime
    reminders_paused: bool
    language: str | None = None
    """The language they chose with /language (`en`, `zh`); None: not chosen, their Telegram
    language code (or LIVERBOT_LANG) decides."""


@dataclass(frozen=True, slots=True)
class Patient:
    """A pseudonymous patient of one clinician (`owner_id`)."""

    id: int
    owner_id: int
    label: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Assessment:
    """One planner run for a patient: what was asked, what went in, what came out."""

    id: int
    patient_id: int
    created_at: datetime
    kind: AssessmentKind
    answers: dict[str, Any]
    case: dict[str, Any]
    plan: dict[str, Any]
    planner_version: str
    decision: str | None
    next_due: date | None
    measured_on: date
    """The day its values were measured or its imaging done (a course entered after the fact)."""


@dataclass(frozen=True, slots=True)
class Session:
    """An intervention carried out for a patient (`/done`): when, how, and which plan it followed."""

    id: int
    patient_id: int
    assessment_id: int | None
    done_on: date
    technique: Technique
    created_at: datetime

    @property
    def is_tace(self) -> bool:
        """Whether it counts as a TACE session (ART, refractoriness): not an ethanol injection."""
        return self.technique in TACE_TECHNIQUES


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """A line of the patient list: the patient, the last decision and what is due next.

    `next_due` is the earlier of the next pending (or paused) reminder's UTC date and the last
    assessment's `next_due`; both sources are kept so a caller can tell them apart. Only the
    current (latest) plan's reminders count: an older plan's never name the next date.
    """

    patient: Patient
    last_decision: str | None
    last_assessed_at: datetime | None
    last_next_due: date | None
    next_reminder_at: datetime | None
    next_due: date | None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder to one clinician about one patient.

    `due_at` is when it was planned (part of its identity, so a retried save is a no-op);
    `snoozed_until`, when set, replaces it as the firing time (`fires_at`).
    """

    id: int
    patient_id: int
    owner_id: int
    chat_id: int
    assessment_id: int | None
    kind: ReminderKind
    due_at: datetime
    status: ReminderStatus
    attempts: int
    claimed_until: datetime | None
    sent_at: datetime | None
    late: bool
    snoozed_until: datetime | None
    created_at: datetime

    @property
    def fires_at(self) -> datetime:
        """When the reminder should go out: the snooze if any, else the planned time."""
        return self.snoozed_until or self.due_at


@dataclass(frozen=True, slots=True)
class UpcomingReminder:
    """A reminder with its patient's label, for the clinician's own list (never logged)."""

    reminder: Reminder
    label: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what, when, to which patient id; `detail` holds ids and counts only."""

    id: int
    at: datetime
    actor_id: int
    action: str
    patient_id: int | None
    detail: dict[str, int | None]


class StoredReply(NamedTuple):
    """The last update handled in a chat and the messages sent for it (channel-encoded)."""

    update_id: int
    messages: list[dict[str, Any]]
    at: datetime


class DueReminder(NamedTuple):
    """A reminder to add: what it is about and when it is planned (timezone-aware)."""

    kind: ReminderKind
    due_at: datetime


def _clinician(row: sqlite3.Row) -> Clinician:
    return Clinician(
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        first_seen=_parse_ts(row["first_seen"]),
        reminders_paused=bool(row["reminders_paused"]),
        language=row["language"],
    )


def _patient(row: sqlite3.Row) -> Patient:
    return Patient(
        id=row["id"],
        owner_id=row["owner_id"],
        label=row["label"],
        created_at=_parse_ts(row["created_at"]),
    )


def _assessment(row: sqlite3.Row) -> Assessment:
    return Assessment(
        id=row["id"],
        patient_id=row["patient_id"],
        created_at=_parse_ts(row["created_at"]),
        kind=row["kind"],
        answers=json.loads(row["answers"]),
        case=json.loads(row["case"]),
        plan=json.loads(row["plan"]),
        planner_version=row["planner_version"],
        decision=row["decision"],
        next_due=_opt_parse_date(row["next_due"]),
        measured_on=date.fromisoformat(row["measured_on"]),
    )


def _session(row: sqlite3.Row) -> Session:
    return Session(
        id=row["id"],
        patient_id=row["patient_id"],
        assessment_id=row["assessment_id"],
        done_on=date.fromisoformat(row["done_on"]),
        technique=row["technique"],
        created_at=_parse_ts(row["created_at"]),
    )


def _reminder(row: sqlite3.Row) -> Reminder:
    return Reminder(
        id=row["id"],
        patient_id=row["patient_id"],
        owner_id=row["owner_id"],
        chat_id=row["chat_id"],
        assessment_id=row["assessment_id"],
        kind=ReminderKind(row["kind"]),
        due_at=_parse_ts(row["due_at"]),
        status=row["status"],
        attempts=row["attempts"],
        claimed_until=_opt_parse_ts(row["claimed_until"]),
        sent_at=_opt_parse_ts(row["sent_at"]),
        late=bool(row["late"]),
        snoozed_until=_opt_parse_ts(row["snoozed_until"]),
        created_at=_parse_ts(row["created_at"]),
    )


def _audit_entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=_parse_ts(row["at"]),
        actor_id=row["actor_id"],
        action=row["action"],
        patient_id=row["patient_id"],
        detail=json.loads(row["detail"]),
    )


_ASSESSMENT_COLUMNS = (
    'id, patient_id, created_at, kind, answers, "case", plan, planner_version, decision, next_due,'
    " measured_on"
)
_ASSESSMENT_SELECT = _ASSESSMENT_COLUMNS.replace(
    " plan,", " json_patch(plan, coalesce(plan_said, '{}')) AS plan,"
)
"""What reading an assessment selects: its plan with the sentence codes that m008 recovered for a
plan stored in English (`plan_said`) in place of that English."""
_REMINDER_COLUMNS = (
    "id, patient_id, owner_id, chat_id, assessment_id, kind, due_at, status, attempts,"
    " claimed_until, sent_at, late, snoozed_until, created_at"
)
_SESSION_COLUMNS = "id, patient_id, assessment_id, done_on, technique, created_at"
_FIRES_AT = "coalesce(snoozed_until, due_at)"

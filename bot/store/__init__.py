"""The SQLite store: clinicians, pseudonymous patients and their course, dialogues, reminders, audit.

Where each part lives (one class per file, all sharing one connection and one transaction):

* `connection`: opening a file safely, migrations (`schema`), `transaction()`, backup;
* `patients`: clinicians, patients and their course (plans, sessions, follow-ups);
* `dialogues`: dialogues in progress, their ids and buttons, each chat's last reply;
* `reminders`: reminders from adding to sending, snoozing and cancelling;
* `audit`: the audit trail (ids and counts only);
* `records`, `convert`, `kinds`: what the parts return, how values are stored, the kinds.

`Store` is all of them at once; `from bot.store import Store` is the way in.

Why it is shaped the way it is:

* One connection per `Store`, in WAL mode, with a long busy timeout: the Telegram bot and the
  terminal chat may share a file, and a writer that finds the file locked must wait for the other
  one (which holds the lock for milliseconds, at worst a few seconds) rather than lose an answer.
* Every write runs in `BEGIN IMMEDIATE ... COMMIT`: the write lock is taken up front, so a
  transaction that read first never fails half-way with "database is locked" (SQLITE_BUSY_SNAPSHOT)
  and waits in the busy handler instead. `synchronous=FULL` makes a commit survive a power cut.
* The methods are synchronous on purpose: each is one short indexed statement or a few, well
  under a millisecond apart from the commit's fsync, so asyncio handlers call them directly.
* Patients are pseudonymous labels owned by one clinician; every query by label takes the owner,
  so one clinician can never read or delete another's patient.
* Nothing here logs a label or a clinical value, only ids, and `audit` refuses anything but ids.
  `secure_delete=ON` and a WAL checkpoint after `forget_patient` leave no copy of a forgotten
  patient in free pages or in the write-ahead log.
* Opening never changes a file it cannot vouch for: it is integrity-checked through a read-only
  connection, then checked to be a liverbot store of a known schema, before the first write
  (even `journal_mode=WAL` rewrites the header). A file that is not SQLite, is corrupt, or is
  another program's or a newer liverbot's database is refused with `StoreError`, byte for byte
  as it was.
"""

from __future__ import annotations

from bot.store.audit import AuditStore
from bot.store.connection import BUSY_TIMEOUT_S, Connection, NotFound, StoreError
from bot.store.convert import LABEL_MAX
from bot.store.dialogues import DialogueStore
from bot.store.kinds import (
    ASSESSMENT_KINDS,
    REMINDER_STATUSES,
    TECHNIQUES,
    AssessmentKind,
    ReminderKind,
    ReminderStatus,
    Technique,
)
from bot.store.patients import PatientStore
from bot.store.records import (
    Assessment,
    AuditEntry,
    Clinician,
    DueReminder,
    Patient,
    PatientSummary,
    Reminder,
    Session,
    StoredReply,
    UpcomingReminder,
)
from bot.store.reminders import DEFAULT_LEASE, ReminderStore

__all__ = [
    "ASSESSMENT_KINDS",
    "BUSY_TIMEOUT_S",
    "DEFAULT_LEASE",
    "LABEL_MAX",
    "REMINDER_STATUSES",
    "TECHNIQUES",
    "TERMINAL_OWNER",
    "Assessment",
    "AssessmentKind",
    "AuditEntry",
    "Clinician",
    "Connection",
    "DueReminder",
    "NotFound",
    "Patient",
    "PatientSummary",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
    "Session",
    "Store",
    "StoreError",
    "StoredReply",
    "Technique",
    "UpcomingReminder",
]

TERMINAL_OWNER = 0
"""Owner id of the terminal chat, which has no Telegram user."""


class Store(PatientStore, DialogueStore, ReminderStore, AuditStore):
    """The liverbot database: open once at start-up, use from the event loop, `close()` at exit.

    Thread-safe (one lock around the connection), but meant for one thread: the asyncio loop.
    Every part shares the one connection, so `transaction()` makes calls to several parts (a
    patient, its plan, its reminders, the audit row) one all-or-nothing write.
    """

"""The SQLite schema of the store, as an ordered set of sqlite-utils migrations.

Each migration runs once per database file, recorded by name in sqlite-utils' `_sqlite_migrations`
table, so a file created by an older liverbot is brought up to date at start-up and a file opened
twice is left as it is. A migration, once released, is never edited: a change to the schema is a
new function appended below, because files in the field already carry the old one.

Design choices that the SQL alone does not explain:

* `AUTOINCREMENT` on every id, so an id is never reused: the audit trail keeps the id of a
  forgotten patient, and a new patient must not inherit it.
* Timestamps are fixed-width UTC strings (`2025-01-31T08:00:00.000000Z`), so text order is time
  order and the indexes on them sort correctly.
* The patient label is unique per owner on `label_key`, a case- and width-folded copy made in
  Python (SQLite's NOCASE folds ASCII only).
* `audit.patient_id` is deliberately not a foreign key: the row that records a forget must
  outlive the patient it is about.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlite_utils import Database, Migrations

MIGRATION_SET = "liverbot"
"""Name of the migration set in `_sqlite_migrations`; other sets in the same file are not ours."""

migrations = Migrations(MIGRATION_SET)

KNOWN_MIGRATIONS: list[str] = []
"""Names of the migrations this code knows, in order; a file with others is from a newer liverbot."""


# Frozen with m001: the kinds and statuses of its day, spelt out here rather than taken from the
# planner or the flows, so adding a kind there can never rewrite a released migration. A new kind
# is a new migration that widens the CHECK constraint.
_M001_ASSESSMENT_KINDS = "('intake', 'followup', 'quick')"
_M001_REMINDER_KINDS = "('imaging_due', 'window_opens', 'window_closes')"
_M001_REMINDER_STATUSES = "('pending', 'sent', 'done', 'cancelled', 'paused')"
_INITIAL = [
    """
    CREATE TABLE clinicians (
        user_id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        reminders_paused INTEGER NOT NULL DEFAULT 0 CHECK (reminders_paused IN (0, 1))
    )
    """,
    """
    CREATE TABLE patients (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner_id INTEGER NOT NULL,
        label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 64),
        label_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (owner_id, label_key)
    )
    """,
    f"""
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN {_M001_ASSESSMENT_KINDS}),
        answers TEXT NOT NULL CHECK (json_valid(answers)),
        "case" TEXT NOT NULL CHECK (json_valid("case")),
        plan TEXT NOT NULL CHECK (json_valid(plan)),
        planner_version TEXT NOT NULL,
        decision TEXT,
        next_due TEXT
    )
    """,
    "CREATE INDEX assessments_by_patient ON assessments (patient_id, created_at, id)",
    """
    CREATE TABLE dialogues (
        owner_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (json_valid(state)),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (owner_id, chat_id)
    ) WITHOUT ROWID
    """,
    f"""
    CREATE TABLE reminders (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
        owner_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        assessment_id INTEGER REFERENCES assessments (id) ON DELETE SET NULL,
        kind TEXT NOT NULL CHECK (kind IN {_M001_REMINDER_KINDS}),
        due_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN {_M001_REMINDER_STATUSES}),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        claimed_until TEXT,
        sent_at TEXT,
        late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
        snoozed_until TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (patient_id, kind, due_at)
    )
    """,
    # Start-up re-scheduling reads every pending reminder in firing order: this index serves
    # both the filter and the ORDER BY, so it stays fast with many sent and done rows.
    "CREATE INDEX reminders_by_status_fire ON reminders (status, coalesce(snoozed_until, due_at))",
    "CREATE INDEX reminders_by_owner ON reminders (owner_id, status)",
    # Deleting an assessment (by cascade, when a patient is forgotten) looks up the reminders
    # that point at it; without this index that is a full scan per assessment.
    "CREATE INDEX reminders_by_assessment ON reminders (assessment_id)",
    """
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
        patient_id INTEGER,
        detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
    )
    """,
    "CREATE INDEX audit_by_patient ON audit (patient_id)",
]


def _migration(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register `fn` as the next migration, keeping our own list of names for the version check."""
    KNOWN_MIGRATIONS.append(fn.__name__)
    return migrations()(fn)


@_migration
def m001_initial(db: Database) -> None:
    """The first schema: clinicians, patients, assessments, dialogues, reminders and audit."""
    for statement in _INITIAL:
        db.execute(statement)


@_migration
def m002_chat_replies(db: Database) -> None:
    """The last update handled in each chat and the reply it produced.

    Telegram delivers an update again when the bot stopped before confirming it (getUpdates
    offset, webhook retry). Keeping the last update id and reply per chat, written in the same
    transaction as the answer, lets the bot tell a re-delivery from a new input: the answer is
    applied once, and the reply is sent again in case it never left. Only the last one is kept,
    because a chat's updates are handled in order.
    """
    db.execute(
        """
        CREATE TABLE chat_replies (
            owner_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            update_id INTEGER NOT NULL,
            messages TEXT NOT NULL CHECK (json_valid(messages)),
            at TEXT NOT NULL,
            PRIMARY KEY (owner_id, chat_id)
        ) WITHOUT ROWID
        """
    )


@_migration
def m003_dialogue_ids_and_keyboards(db: Database) -> None:
    """Dialogue ids, and the messages whose buttons belong to a dialogue.

    Every dialogue gets an id that is never reused (issue 10): its buttons carry it, so a press
    from another, replaced or finished dialogue is refused instead of answering the current one.
    A dialogue in progress when the file is upgraded is given its id here, in its saved state,
    so it carries on. `keyboards` lists the sent messages that still show a dialogue's buttons,
    so a channel can remove them once that dialogue (or step) is over, across restarts too.
    """
    db.execute(
        """
        CREATE TABLE dialogue_ids (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            owner_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            started_at TEXT NOT NULL
        )
        """
    )
    rows = db.execute("SELECT owner_id, chat_id, updated_at FROM dialogues").fetchall()
    for owner_id, chat_id, updated_at in rows:
        (dialogue_id,) = db.execute(
            "INSERT INTO dialogue_ids (owner_id, chat_id, started_at) VALUES (?, ?, ?)"
            " RETURNING id",
            (owner_id, chat_id, updated_at),
        ).fetchone()
        db.execute(
            "UPDATE dialogues SET state = json_set(state, '$.id', ?)"
            " WHERE owner_id = ? AND chat_id = ?",
            (dialogue_id, owner_id, chat_id),
        )
    db.execute(
        """
        CREATE TABLE keyboards (
            owner_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            dialogue_id INTEGER NOT NULL,
            step TEXT NOT NULL,
            PRIMARY KEY (owner_id, chat_id, message_id)
        ) WITHOUT ROWID
        """
    )


@_migration
def m004_supersede_old_plans_reminders(db: Database) -> None:
    """Cancel the unsent reminders of every plan that a newer plan of its patient replaced.

    Older liverbots left them pending (issue 10: a hold after a marginal-defect plan still
    reminded of the old window); from now on a new plan supersedes them when it is saved.
    """
    db.execute(
        """
        UPDATE reminders SET status = 'cancelled', claimed_until = NULL
         WHERE status IN ('pending', 'paused') AND assessment_id IS NOT NULL
           AND assessment_id != (
               SELECT a.id FROM assessments a WHERE a.patient_id = reminders.patient_id
                ORDER BY a.created_at DESC, a.id DESC LIMIT 1)
        """
    )


@_migration
def m005_course(db: Database) -> None:
    """The patient's course: sessions done, and the day each assessment's values were measured.

    `sessions` records each intervention carried out (issue 12: `/done`), with the plan it carried
    out when there was one; the baseline, the previous follow-ups and the session count that the
    planner's ART score and refractoriness need are read from it instead of being retyped.
    `assessments.measured_on` is the day the values were measured or the imaging was done (a
    course entered after the fact); plans made before it were measured the day they were made,
    so existing rows take their UTC creation date. Techniques are spelt out here, as frozen as
    any released migration.
    """
    db.execute(
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
            assessment_id INTEGER REFERENCES assessments (id) ON DELETE SET NULL,
            done_on TEXT NOT NULL,
            technique TEXT NOT NULL CHECK (technique IN ('ctace', 'deb', 'bland', 'ethanol')),
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX sessions_by_patient ON sessions (patient_id, done_on, id)")
    db.execute("CREATE INDEX sessions_by_assessment ON sessions (assessment_id)")
    db.execute("ALTER TABLE assessments ADD COLUMN measured_on TEXT")
    db.execute("UPDATE assessments SET measured_on = substr(created_at, 1, 10)")


@_migration
def m006_inbox(db: Database) -> None:
    """Updates received from allowed clinicians and not yet handled (issue 14).

    The bot handles chats side by side, so it must fetch past an update still being handled, and
    Telegram forgets whatever the next fetch confirms. Each update is written here before it is
    confirmed and deleted once handled: after a crash, the ones left are handled at start-up.
    """
    db.execute(
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            body TEXT NOT NULL CHECK (json_valid(body)),
            received_at TEXT NOT NULL
        )
        """
    )


@_migration
def m007_language(db: Database) -> None:
    """The language each clinician chose with /language (issue 15).

    NULL means never chosen: the language then follows the clinician's Telegram language code, or
    the deployment's LIVERBOT_LANG. The codes are checked in Python against the languages the
    catalogs have, so adding a language is not a schema change.
    """
    db.execute("ALTER TABLE clinicians ADD COLUMN language TEXT")


@_migration
def m008_plan_codes(db: Database) -> None:
    """The words of each stored plan as sentence codes beside its English text (issue 15).

    Plans used to be stored with the planner's English sentences; since issue 15 the planner says
    codes (`planner.said`) and each reader's language words them, so a plan saved today reads in
    Chinese tomorrow. An older plan gets its codes here, in a new column `plan_said` (the text fields
    of the plan, coded), and the English it was shown in stays in `plan` untouched: the record of
    what the clinician read is not rewritten. Reading an assessment merges the two (`json_patch`).

    The codes are recovered by planning the stored case again on the stored day: only when the
    new plan makes the same decision with the same ids (approach, rules, contraindications,
    alternatives, missing inputs, window) and its codes, worded in English, give back exactly the
    stored sentences, are they kept. Otherwise `plan_said` stays NULL and the old sentences read
    as legacy verbatim text, shown as written in every language: never a guessed translation.
    Reminders store no sentence (their reason is worded from the stored case and plan when shown),
    so they need nothing here.
    """
    db.execute(
        "ALTER TABLE assessments ADD COLUMN plan_said TEXT"
        " CHECK (plan_said IS NULL OR json_valid(plan_said))"
    )
    from bot.store.plan_codes import coded_texts  # the planner and the words, only when migrating

    rows = db.execute('SELECT id, "case", plan FROM assessments').fetchall()
    for assessment_id, case, plan in rows:
        said = coded_texts(json.loads(case), json.loads(plan))
        if said is not None:
            db.execute(
                "UPDATE assessments SET plan_said = ? WHERE id = ?",
                (json.dumps(said, ensure_ascii=False), assessment_id),
            )

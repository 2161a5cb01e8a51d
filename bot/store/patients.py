"""Clinicians, pseudonymous patients and their course: the plans made and the sessions done.

A patient belongs to one clinician: every read and write takes the owner, so one clinician
can never read, change or delete another's patient.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from pydantic import BaseModel

from bot.store.audit import AuditStore
from bot.store.connection import NotFound
from bot.store.convert import (
    _check,
    _iso_date,
    _label,
    _opt_parse_date,
    _opt_parse_ts,
    _to_json,
    _ts,
)
from bot.store.kinds import ASSESSMENT_KINDS, TECHNIQUES, AssessmentKind, Technique
from bot.store.records import (
    _ASSESSMENT_COLUMNS,
    _ASSESSMENT_SELECT,
    _FIRES_AT,
    _SESSION_COLUMNS,
    Assessment,
    Clinician,
    Patient,
    PatientSummary,
    Session,
    _assessment,
    _clinician,
    _patient,
    _session,
)
from lang import LANGUAGES

logger = logging.getLogger("bot.store")


class PatientStore(AuditStore):
    """Clinicians, pseudonymous patients and their course: the plans made and the sessions done."""

    # -- clinicians -------------------------------------------------------------------------------

    def touch_clinician(self, user_id: int, chat_id: int) -> Clinician:
        """Record a clinician who wrote to the bot (first time: first_seen) and their chat.

        Writes only when something changed, so it can be called on every message.
        """
        now = _ts(self._now())
        with self._write() as conn:
            conn.execute(
                "INSERT INTO clinicians (user_id, chat_id, first_seen) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id"
                " WHERE chat_id != excluded.chat_id",
                (user_id, chat_id, now),
            )
            row = conn.execute("SELECT * FROM clinicians WHERE user_id = ?", (user_id,)).fetchone()
        return _clinician(row)

    def clinician(self, user_id: int) -> Clinician | None:
        """The clinician with this Telegram user id, if they ever wrote."""
        rows = self._rows("SELECT * FROM clinicians WHERE user_id = ?", (user_id,))
        return _clinician(rows[0]) if rows else None

    def choose_language(self, user_id: int, language: str | None) -> None:
        """Remember the language a clinician chose (`None` forgets it: back to their Telegram's)."""
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        with self._write() as conn:
            conn.execute(
                "UPDATE clinicians SET language = ? WHERE user_id = ?", (language, user_id)
            )

    def language_of(self, user_id: int) -> str | None:
        """The language a clinician chose, or None when they never chose one (or never wrote)."""
        rows = self._rows("SELECT language FROM clinicians WHERE user_id = ?", (user_id,))
        return rows[0]["language"] if rows else None

    # -- patients ---------------------------------------------------------------------------------

    def get_or_create_patient(self, owner_id: int, label: str) -> Patient:
        """The owner's patient with this label (any case), created if new."""
        shown, key = _label(label)
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, owner_id, label, created_at FROM patients"
                " WHERE owner_id = ? AND label_key = ?",
                (owner_id, key),
            ).fetchone()
            if row is None:
                row = conn.execute(
                    "INSERT INTO patients (owner_id, label, label_key, created_at)"
                    " VALUES (?, ?, ?, ?) RETURNING id, owner_id, label, created_at",
                    (owner_id, shown, key, _ts(self._now())),
                ).fetchone()
                logger.info("patient %d created by owner %d", row["id"], owner_id)
        return _patient(row)

    def find_patient(self, owner_id: int, label: str) -> Patient | None:
        """The owner's patient with this label (any case), or None; other owners' are invisible."""
        _, key = _label(label)
        rows = self._rows(
            "SELECT id, owner_id, label, created_at FROM patients"
            " WHERE owner_id = ? AND label_key = ?",
            (owner_id, key),
        )
        return _patient(rows[0]) if rows else None

    def patient(self, owner_id: int, patient_id: int) -> Patient | None:
        """The owner's patient with this id, or None (also when it belongs to someone else)."""
        rows = self._rows(
            "SELECT id, owner_id, label, created_at FROM patients WHERE id = ? AND owner_id = ?",
            (patient_id, owner_id),
        )
        return _patient(rows[0]) if rows else None

    def list_patients(self, owner_id: int) -> list[PatientSummary]:
        """The owner's patients by label, each with the last decision and what is due next."""
        rows = self._rows(
            f"""
            SELECT p.id, p.owner_id, p.label, p.created_at,
                   a.decision, a.created_at AS assessed_at, a.next_due,
                   (SELECT min({_FIRES_AT}) FROM reminders r
                     WHERE r.patient_id = p.id AND r.status IN ('pending', 'paused')
                       AND (r.assessment_id IS NULL OR r.assessment_id = a.id))
                     AS next_reminder_at
              FROM patients p
              LEFT JOIN assessments a ON a.id = (
                   SELECT id FROM assessments WHERE patient_id = p.id
                    ORDER BY created_at DESC, id DESC LIMIT 1)
             WHERE p.owner_id = ?
             ORDER BY p.label_key
            """,
            (owner_id,),
        )
        out = []
        for row in rows:
            reminder_at = _opt_parse_ts(row["next_reminder_at"])
            last_due = _opt_parse_date(row["next_due"])
            dues = [d for d in (reminder_at and reminder_at.date(), last_due) if d is not None]
            out.append(
                PatientSummary(
                    patient=_patient(row),
                    last_decision=row["decision"],
                    last_assessed_at=_opt_parse_ts(row["assessed_at"]),
                    last_next_due=last_due,
                    next_reminder_at=reminder_at,
                    next_due=min(dues) if dues else None,
                )
            )
        return out

    def every_patient(self) -> list[Patient]:
        """Every clinician's patients, by owner then label: for the department's audit export only
        (`liverbot export`, run by whoever runs the service), never for a clinician's request."""
        rows = self._rows(
            "SELECT id, owner_id, label, created_at FROM patients ORDER BY owner_id, label_key"
        )
        return [_patient(r) for r in rows]

    def forget_patient(self, owner_id: int, label: str, *, actor_id: int | None = None) -> bool:
        """Delete the owner's patient and everything about it, for good; False if there is none.

        Assessments and reminders go by cascade in the same transaction; the audit row keeps the
        patient's id (never reused) and counts, not the label. `secure_delete` zeroes the freed
        space and a checkpoint then empties the WAL. Dialogue state is the caller's to clear.
        """
        _, key = _label(label)
        with self._write() as conn:
            row = conn.execute(
                "SELECT id FROM patients WHERE owner_id = ? AND label_key = ?", (owner_id, key)
            ).fetchone()
            if row is None:
                return False
            patient_id = row["id"]
            (n_assessments,) = conn.execute(
                "SELECT count(*) FROM assessments WHERE patient_id = ?", (patient_id,)
            ).fetchone()
            (n_reminders,) = conn.execute(
                "SELECT count(*) FROM reminders WHERE patient_id = ?", (patient_id,)
            ).fetchone()
            (n_sessions,) = conn.execute(
                "SELECT count(*) FROM sessions WHERE patient_id = ?", (patient_id,)
            ).fetchone()
            conn.execute("DELETE FROM patients WHERE id = ?", (patient_id,))
            # The last reply in the owner's chats may name the patient: it goes too.
            conn.execute("DELETE FROM chat_replies WHERE owner_id = ?", (owner_id,))
            self.audit(
                owner_id if actor_id is None else actor_id,
                "forget",
                patient_id=patient_id,
                detail={
                    "assessments": n_assessments,
                    "reminders": n_reminders,
                    "sessions": n_sessions,
                },
            )
            self._checkpoint_due = True
            self._checkpoint_after_inbox = True
        logger.info("patient %d of owner %d forgotten", patient_id, owner_id)
        return True

    # -- assessments ------------------------------------------------------------------------------

    def save_assessment(
        self,
        owner_id: int,
        patient_id: int,
        kind: AssessmentKind,
        answers: Mapping[str, Any] | BaseModel,
        case: Mapping[str, Any] | BaseModel,
        plan: Mapping[str, Any] | BaseModel,
        planner_version: str,
        next_due: date | None = None,
        *,
        measured_on: date | None = None,
    ) -> int:
        """Store one planner run for the owner's patient; the plan's `decision` is copied out for
        the patient list. NotFound when the patient is not the owner's.

        `measured_on` is the day the values were measured (default: today, UTC), for a course
        entered after the fact.
        """
        _check(kind, ASSESSMENT_KINDS, "kind")
        plan_json = _to_json(plan, "plan")
        decision = json.loads(plan_json).get("decision")
        values = (
            patient_id,
            _ts(self._now()),
            kind,
            _to_json(answers, "answers"),
            _to_json(case, "case"),
            plan_json,
            str(planner_version),
            decision if isinstance(decision, str) else None,
            _iso_date(next_due),
            _iso_date(measured_on or self._now().date()),
        )
        with self._write() as conn:
            self._owned(conn, owner_id, patient_id)
            (assessment_id,) = conn.execute(
                f"INSERT INTO assessments ({_ASSESSMENT_COLUMNS.removeprefix('id, ')})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                values,
            ).fetchone()
        logger.info("assessment %d (%s) saved for patient %d", assessment_id, kind, patient_id)
        return cast(int, assessment_id)

    def assessments(self, owner_id: int, label: str) -> list[Assessment]:
        """The owner's patient's assessments, oldest first (plans over time).

        Raises NotFound when the owner has no patient with this label.
        """
        patient = self.find_patient(owner_id, label)
        if patient is None:
            raise NotFound(f"owner {owner_id} has no patient with that label")
        rows = self._rows(
            f"SELECT {_ASSESSMENT_SELECT} FROM assessments WHERE patient_id = ?"
            " ORDER BY created_at, id",
            (patient.id,),
        )
        return [_assessment(r) for r in rows]

    def latest_assessment(self, owner_id: int, patient_id: int) -> Assessment | None:
        """The owner's patient's most recent assessment (None also when the patient is not theirs)."""
        rows = self._rows(
            f"SELECT {_ASSESSMENT_SELECT} FROM assessments WHERE patient_id = ?"
            " AND patient_id IN (SELECT id FROM patients WHERE owner_id = ?)"
            " ORDER BY created_at DESC, id DESC LIMIT 1",
            (patient_id, owner_id),
        )
        return _assessment(rows[0]) if rows else None

    def patient_assessments(self, owner_id: int, patient_id: int) -> list[Assessment]:
        """The owner's patient's assessments in the order entered (empty when not theirs)."""
        rows = self._rows(
            f"SELECT {_ASSESSMENT_SELECT} FROM assessments WHERE patient_id = ?"
            " AND patient_id IN (SELECT id FROM patients WHERE owner_id = ?)"
            " ORDER BY created_at, id",
            (patient_id, owner_id),
        )
        return [_assessment(r) for r in rows]

    # -- sessions (the interventions carried out) --------------------------------------------------

    def add_session(
        self,
        owner_id: int,
        patient_id: int,
        done_on: date,
        technique: Technique,
        *,
        assessment_id: int | None = None,
    ) -> Session:
        """Record an intervention done for the owner's patient (NotFound when not theirs).

        The caller checks the date against the course (not in the future, not before the last
        session) and cancels what it supersedes in the same transaction.
        """
        _check(technique, TECHNIQUES, "technique")
        day = _iso_date(done_on)
        with self._write() as conn:
            self._owned(conn, owner_id, patient_id)
            if assessment_id is not None:
                self._assessment_of(conn, patient_id, assessment_id)
            row = conn.execute(
                "INSERT INTO sessions (patient_id, assessment_id, done_on, technique, created_at)"
                f" VALUES (?, ?, ?, ?, ?) RETURNING {_SESSION_COLUMNS}",
                (patient_id, assessment_id, day, technique, _ts(self._now())),
            ).fetchone()
        logger.info("session %d recorded for patient %d", row["id"], patient_id)
        return _session(row)

    def sessions(self, owner_id: int, patient_id: int) -> list[Session]:
        """The owner's patient's sessions, oldest first (empty when the patient is not theirs)."""
        rows = self._rows(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE patient_id = ?"
            " AND patient_id IN (SELECT id FROM patients WHERE owner_id = ?)"
            " ORDER BY done_on, id",
            (patient_id, owner_id),
        )
        return [_session(r) for r in rows]

    def assessment(self, owner_id: int, assessment_id: int) -> Assessment | None:
        """The owner's assessment with this id, or None (also when it is another's)."""
        rows = self._rows(
            f"SELECT {_ASSESSMENT_SELECT} FROM assessments WHERE id = ?"
            " AND patient_id IN (SELECT id FROM patients WHERE owner_id = ?)",
            (assessment_id, owner_id),
        )
        return _assessment(rows[0]) if rows else None

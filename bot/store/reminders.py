"""Reminders: added with a plan, claimed and sent once by the bot, snoozed, done, cancelled.

A clinician's actions (snooze, done, cancel) take the owner and change only their own reminders.
The sender's methods (`pending_reminders`, `claim_for_sending`, `mark_sent`, `record_attempt`,
`release_claims`) work across clinicians on purpose: one job sends everyone's reminders.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import cast

from bot.store.connection import Connection, NotFound
from bot.store.convert import (
    _ts,
)
from bot.store.kinds import ReminderKind, reminder_kind
from bot.store.records import (
    _FIRES_AT,
    _REMINDER_COLUMNS,
    DueReminder,
    Reminder,
    UpcomingReminder,
    _reminder,
)

logger = logging.getLogger("bot.store")

DEFAULT_LEASE = timedelta(minutes=2)
"""How long a claimed reminder is reserved for its sender before another may claim it."""


class ReminderStore(Connection):
    """Reminders: added with a plan, claimed and sent once by the bot, snoozed, done, cancelled."""

    # -- reminders --------------------------------------------------------------------------------

    def add_reminders(
        self,
        owner_id: int,
        patient_id: int,
        chat_id: int,
        reminders: Iterable[DueReminder | tuple[ReminderKind, datetime]],
        *,
        assessment_id: int | None = None,
    ) -> list[Reminder]:
        """Add reminders for the owner's patient; adding one that exists is a no-op.

        A reminder is the same when patient, kind and planned time are, so a retried save never
        duplicates. One that was cancelled comes back to life (the latest plan asks for it again);
        one already sent or done stays as it is. New reminders of a clinician whose reminders
        are paused start paused. Returns the reminders in the order given.
        """
        items = [(reminder_kind(kind), _ts(due_at, "due_at")) for kind, due_at in reminders]
        now = _ts(self._now())
        with self._write() as conn:
            self._owned(conn, owner_id, patient_id)
            if assessment_id is not None:
                self._assessment_of(conn, patient_id, assessment_id)
            paused = conn.execute(
                "SELECT reminders_paused FROM clinicians WHERE user_id = ?", (owner_id,)
            ).fetchone()
            status = "paused" if paused is not None and paused[0] else "pending"
            out = []
            for kind, due_at in items:
                conn.execute(
                    "INSERT INTO reminders (patient_id, owner_id, chat_id, assessment_id, kind,"
                    " due_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (patient_id, kind, due_at) DO UPDATE SET"
                    " status = excluded.status, chat_id = excluded.chat_id,"
                    " assessment_id = coalesce(excluded.assessment_id, assessment_id),"
                    " snoozed_until = NULL, claimed_until = NULL"
                    " WHERE status = 'cancelled'",
                    (patient_id, owner_id, chat_id, assessment_id, kind, due_at, status, now),
                )
                row = conn.execute(
                    f"SELECT {_REMINDER_COLUMNS} FROM reminders"
                    " WHERE patient_id = ? AND kind = ? AND due_at = ?",
                    (patient_id, kind, due_at),
                ).fetchone()
                out.append(_reminder(row))
        logger.debug("%d reminder(s) ensured for patient %d", len(out), patient_id)
        return out

    def reminder(self, reminder_id: int, *, owner_id: int | None = None) -> Reminder | None:
        """The reminder with this id, or None; with `owner_id`, None unless it is theirs.

        A clinician's request always passes `owner_id`; only the sender, which works for every
        clinician, reads a reminder by id alone.
        """
        sql = f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE id = ?"
        params: tuple[int, ...] = (reminder_id,)
        if owner_id is not None:
            sql += " AND owner_id = ?"
            params = (reminder_id, owner_id)
        rows = self._rows(sql, params)
        return _reminder(rows[0]) if rows else None

    def pending_reminders(
        self, now: datetime | None = None, limit: int | None = None
    ) -> list[Reminder]:
        """Pending reminders in firing order (all, or those due by `now`; the first `limit`).

        Claimed ones are included: `claim_for_sending` decides who sends. Served by an index on
        (status, firing time), so sent and done rows cost nothing.
        """
        sql = f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE status = 'pending'"
        params: tuple[str | int, ...] = ()
        if now is not None:
            sql += f" AND {_FIRES_AT} <= ?"
            params = (_ts(now, "now"),)
        sql += f" ORDER BY {_FIRES_AT}, id LIMIT ?"
        return [_reminder(r) for r in self._rows(sql, (*params, -1 if limit is None else limit))]

    def claim_for_sending(
        self, reminder_id: int, *, now: datetime | None = None, lease: timedelta = DEFAULT_LEASE
    ) -> Reminder | None:
        """Reserve a due, pending reminder for one sender for `lease`; None if it is not ours.

        None means: not pending (sent, done, cancelled, paused), not yet due (it was snoozed after
        this job was scheduled), or another sender holds an unexpired claim. A sender that dies
        loses the claim when the lease runs out (or at `release_claims()` on start-up).
        """
        moment = now or self._now()
        at = _ts(moment, "now")  # named first: a naive `now` is refused as `now`
        with self._write() as conn:
            row = conn.execute(
                f"UPDATE reminders SET claimed_until = ?"
                f" WHERE id = ? AND status = 'pending' AND {_FIRES_AT} <= ?"
                " AND (claimed_until IS NULL OR claimed_until <= ?)"
                f" RETURNING {_REMINDER_COLUMNS}",
                (_ts(moment + lease), reminder_id, at, at),
            ).fetchone()
        return _reminder(row) if row is not None else None

    def release_claims(self) -> int:
        """Drop every claim; for start-up, when no sender of this file can still be running."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE reminders SET claimed_until = NULL"
                " WHERE status = 'pending' AND claimed_until IS NOT NULL"
            )
        return cur.rowcount

    def mark_sent(
        self, reminder_id: int, sent_at: datetime | None = None, late: bool = False
    ) -> bool:
        """Record delivery, once: a compare-and-set on `pending`, so a second call returns False.

        `late` says it went out after start-up because it fell due while the bot was down.
        """
        sent = _ts(sent_at or self._now(), "sent_at")
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE reminders SET status = 'sent', sent_at = ?, late = ?,"
                " attempts = attempts + 1, claimed_until = NULL"
                " WHERE id = ? AND status = 'pending'",
                (sent, int(bool(late)), reminder_id),
            )
        if cur.rowcount:
            logger.debug("reminder %d sent", reminder_id)
        return cur.rowcount == 1

    def record_attempt(self, reminder_id: int) -> int:
        """Count a failed delivery and release the claim so a retry can take it; returns attempts."""
        with self._write() as conn:
            row = conn.execute(
                "UPDATE reminders SET attempts = attempts + 1, claimed_until = NULL"
                " WHERE id = ? RETURNING attempts",
                (reminder_id,),
            ).fetchone()
            if row is None:
                raise NotFound(f"no reminder {reminder_id}")
        return cast(int, row[0])

    def snooze(self, owner_id: int, reminder_id: int, until: datetime) -> bool:
        """Fire the owner's pending or sent reminder again at `until`; False if done, cancelled or
        not theirs.

        A snoozed reminder is pending again, so it can be sent once more after `until`.
        """
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE reminders SET status = 'pending', snoozed_until = ?, claimed_until = NULL,"
                " sent_at = NULL, late = 0 WHERE id = ? AND owner_id = ? AND status IN ('pending', 'sent')",
                (_ts(until, "until"), reminder_id, owner_id),
            )
        return cur.rowcount == 1

    def mark_done(self, owner_id: int, reminder_id: int) -> bool:
        """The clinician dealt with it: no further sending; False if already done, cancelled or
        not theirs."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE reminders SET status = 'done', claimed_until = NULL"
                " WHERE id = ? AND owner_id = ? AND status IN ('pending', 'sent', 'paused')",
                (reminder_id, owner_id),
            )
        return cur.rowcount == 1

    def cancel_for_patient(self, owner_id: int, patient_id: int) -> list[int]:
        """Cancel the owner's patient's reminders not yet sent (a new plan replaces them); returns their ids.

        Called in the same transaction as saving the new plan, so no moment exists in which both
        plans' reminders are pending; the ids let the caller drop their scheduled jobs.
        """
        with self._write() as conn:
            rows = conn.execute(
                "UPDATE reminders SET status = 'cancelled', claimed_until = NULL"
                " WHERE patient_id = ? AND owner_id = ? AND status IN ('pending', 'paused')"
                " RETURNING id",
                (patient_id, owner_id),
            ).fetchall()
        return sorted(r[0] for r in rows)

    def pause_for_clinician(self, owner_id: int) -> list[int]:
        """Telegram said 403 (the clinician blocked the bot): hold their reminders.

        Returns the ids paused, so their scheduled jobs can be dropped.
        """
        with self._write() as conn:
            conn.execute(
                "UPDATE clinicians SET reminders_paused = 1 WHERE user_id = ?", (owner_id,)
            )
            rows = conn.execute(
                "UPDATE reminders SET status = 'paused', claimed_until = NULL"
                " WHERE owner_id = ? AND status = 'pending' RETURNING id",
                (owner_id,),
            ).fetchall()
        ids = sorted(r[0] for r in rows)
        logger.info("owner %d: %d reminder(s) paused", owner_id, len(ids))
        return ids

    def resume_for_clinician(self, owner_id: int) -> list[Reminder]:
        """The clinician wrote again: paused reminders are pending again, returned to reschedule."""
        with self._write() as conn:
            conn.execute(
                "UPDATE clinicians SET reminders_paused = 0 WHERE user_id = ?", (owner_id,)
            )
            rows = conn.execute(
                "UPDATE reminders SET status = 'pending'"
                f" WHERE owner_id = ? AND status = 'paused' RETURNING {_REMINDER_COLUMNS}",
                (owner_id,),
            ).fetchall()
        out = sorted((_reminder(r) for r in rows), key=lambda r: (r.fires_at, r.id))
        logger.info("owner %d: %d reminder(s) resumed", owner_id, len(out))
        return out

    def upcoming_reminders(
        self, owner_id: int, limit: int | None = None
    ) -> list[UpcomingReminder]:
        """The owner's pending and paused reminders in firing order, with patient labels."""
        columns = ", ".join(f"r.{c.strip()}" for c in _REMINDER_COLUMNS.split(","))
        rows = self._rows(
            f"SELECT {columns}, p.label AS label FROM reminders r"
            " JOIN patients p ON p.id = r.patient_id"
            " WHERE r.owner_id = ? AND p.owner_id = ? AND r.status IN ('pending', 'paused')"
            " ORDER BY coalesce(r.snoozed_until, r.due_at), r.id LIMIT ?",
            (owner_id, owner_id, -1 if limit is None else limit),
        )
        return [UpcomingReminder(reminder=_reminder(r), label=r["label"]) for r in rows]

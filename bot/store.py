"""The SQLite store: clinicians, pseudonymous patients, assessments, dialogues, reminders, audit.

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

import contextlib
import json
import logging
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, NamedTuple, Self, cast, get_args

from pydantic import BaseModel
from sqlite_utils import Database

from bot.store_schema import KNOWN_MIGRATIONS, migrations

logger = logging.getLogger(__name__)

AssessmentKind = Literal["intake", "followup", "quick"]
ReminderKind = Literal["imaging_due", "window_opens", "window_closes"]
ReminderStatus = Literal["pending", "sent", "done", "cancelled", "paused"]

TERMINAL_OWNER = 0
"""Owner id of the terminal chat, which has no Telegram user."""

BUSY_TIMEOUT_S = 15.0
"""How long a write waits for another connection's lock before giving up (seconds)."""

DEFAULT_LEASE = timedelta(minutes=2)
"""How long a claimed reminder is reserved for its sender before another may claim it."""

LABEL_MAX = 64

_CHECKPOINT_TIMEOUT_MS = 1000
_ACTION = re.compile(r"[a-z][a-z0-9_]{0,39}")
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file and the problem."""


class NotFound(StoreError):
    """No such patient (for this owner), assessment or reminder."""


# ---------------------------------------------------------------------------------------------------------
# What the store returns


@dataclass(frozen=True, slots=True)
class Clinician:
    """A Telegram user who has written to the bot, and where to reach them."""

    user_id: int
    chat_id: int
    first_seen: datetime
    reminders_paused: bool


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


# ---------------------------------------------------------------------------------------------------------
# Conversions: one format per type, so text order is time order and values round-trip exactly


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(value: datetime, what: str = "a time") -> str:
    """A fixed-width UTC string; naive datetimes are refused, since their zone is a guess."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return value.astimezone(UTC).strftime(_TS_FORMAT)


def _opt_ts(value: datetime | None, what: str = "a time") -> str | None:
    return None if value is None else _ts(value, what)


def _parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _opt_parse_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _iso_date(value: date | None) -> str | None:
    """An ISO date; a datetime is refused because its date depends on a zone we do not know."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"next_due must be a date, not {type(value).__name__}")
    return value.isoformat()


def _opt_parse_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _json_default(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    # The type only: the value may be clinical.
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _to_json(value: Mapping[str, Any] | BaseModel, what: str) -> str:
    """Compact JSON of a mapping or pydantic model; errors name the field, never the value."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{what} must be a mapping or a pydantic model, not {type(value).__name__}"
        )
    try:
        return json.dumps(
            dict(value),
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            default=_json_default,
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} cannot be stored as JSON: {exc}") from None


def _label(label: str) -> tuple[str, str]:
    """The label as shown (spaces collapsed) and its key (case- and width-folded) for uniqueness."""
    if not isinstance(label, str):
        raise TypeError(f"a patient label must be a string, not {type(label).__name__}")
    shown = " ".join(unicodedata.normalize("NFC", label).split())
    # The messages below never repeat the label: it may end up in a log.
    if not shown:
        raise ValueError("a patient label must not be empty")
    if len(shown) > LABEL_MAX:
        raise ValueError(f"a patient label must be at most {LABEL_MAX} characters")
    if not shown.isprintable():
        raise ValueError("a patient label must not contain control characters")
    key = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", shown).casefold())
    return shown, key


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}")
    return value


_ASSESSMENT_KINDS = get_args(AssessmentKind)
_REMINDER_KINDS = get_args(ReminderKind)


def _clinician(row: sqlite3.Row) -> Clinician:
    return Clinician(
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        first_seen=_parse_ts(row["first_seen"]),
        reminders_paused=bool(row["reminders_paused"]),
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
    )


def _reminder(row: sqlite3.Row) -> Reminder:
    return Reminder(
        id=row["id"],
        patient_id=row["patient_id"],
        owner_id=row["owner_id"],
        chat_id=row["chat_id"],
        assessment_id=row["assessment_id"],
        kind=row["kind"],
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
    'id, patient_id, created_at, kind, answers, "case", plan, planner_version, decision, next_due'
)
_REMINDER_COLUMNS = (
    "id, patient_id, owner_id, chat_id, assessment_id, kind, due_at, status, attempts,"
    " claimed_until, sent_at, late, snoozed_until, created_at"
)
_FIRES_AT = "coalesce(snoozed_until, due_at)"


# ---------------------------------------------------------------------------------------------------------
# Opening a file without harming it


def _describe(exc: sqlite3.Error) -> str:
    """What is wrong with the file, in words, from SQLite's error code."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_NOTADB":
        return "is not a SQLite database"
    if name.startswith("SQLITE_CORRUPT"):
        return "is a corrupt SQLite database"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "is locked by another connection"
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM", "SQLITE_AUTH")):
        return "cannot be read"
    return "cannot be opened"


def _probe(path: Path, busy_timeout: float) -> bool:
    """Check an existing file through a read-only connection, so a bad file is never written.

    Returns True when the check must be repeated on the writable connection: a hot rollback
    journal (left by a crash) can only be rolled back by a writer, which is legitimate recovery.
    Side files (-wal, -shm) that the read-only connection created are removed if the file is
    refused, so a refused file is left exactly as it was found.
    """
    side = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    existed = {p: p.exists() for p in side}

    def tidy() -> None:
        for p, was in existed.items():
            if not was:
                p.unlink(missing_ok=True)

    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout
        )
        try:
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if (getattr(exc, "sqlite_errorname", "") or "").startswith("SQLITE_READONLY"):
            return True
        tidy()
        raise StoreError(f"{path} {_describe(exc)} ({exc})") from exc
    if rows != [("ok",)]:
        tidy()
        raise StoreError(
            f"{path} is a corrupt SQLite database (integrity check: {rows[0][0]:.200})"
        )
    return False


# ---------------------------------------------------------------------------------------------------------
# The store


class Store:
    """The liverbot database: open once at start-up, use from the event loop, `close()` at exit.

    Thread-safe (one lock around the connection), but meant for one thread: the asyncio loop.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = BUSY_TIMEOUT_S,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.path = Path(path)
        self._busy_ms = int(busy_timeout * 1000)
        self._clock = clock
        self._lock = threading.RLock()
        self._depth = 0
        self._checkpoint_due = False
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open(busy_timeout)
        logger.debug("store opened")

    # -- life cycle -------------------------------------------------------------------------------

    def _open(self, busy_timeout: float) -> sqlite3.Connection:
        path = self.path
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database file")
        recheck = _probe(path, busy_timeout) if path.exists() else False
        try:
            conn = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{path} {_describe(exc)} ({exc})") from exc
        conn.row_factory = sqlite3.Row
        try:
            if recheck:
                rows = conn.execute("PRAGMA quick_check(1)").fetchall()
                if [tuple(r) for r in rows] != [("ok",)]:
                    raise StoreError(
                        f"{path} is a corrupt SQLite database (integrity check: {rows[0][0]:.200})"
                    )
            db = Database(conn, recursive_triggers=False, execute_plugins=False)
            self._refuse_foreign(db)
            conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{path} cannot use write-ahead logging (journal mode {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            self._conn = conn
            with self._write():
                before = len(migrations.applied(db))
                migrations.apply(db)
                after = len(migrations.applied(db))
            if after != before:
                logger.info("schema migrated: %d migration(s) applied", after - before)
        except BaseException as exc:
            self._conn = None
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{path} {_describe(exc)} ({exc})") from exc
            raise
        return conn

    def _refuse_foreign(self, db: Database) -> None:
        """Refuse another program's database, or one written by a newer liverbot, before any write."""
        tables = {t for t in db.table_names() if not t.startswith("sqlite_")}
        applied = [m.name for m in migrations.applied(db)]
        if tables - {migrations.migrations_table} and not applied:
            raise StoreError(
                f"{self.path} is a SQLite database but not a liverbot store; refusing to change it"
            )
        unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
        if unknown:
            raise StoreError(
                f"{self.path} was written by a newer liverbot (unknown migrations: "
                f"{', '.join(unknown)}); refusing to open it"
            )

    def close(self) -> None:
        """Close the connection (idempotent); the last connection to close folds the WAL back."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                logger.debug("store closed")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- plumbing ---------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: the store is closed")
        return self._conn

    def _now(self) -> datetime:
        return self._clock()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several store calls into one transaction (all or nothing).

        Calls inside it join the transaction (as savepoints); do not `await` inside it, since it
        holds the write lock of the database file.
        """
        with self._write():
            yield

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken with BEGIN IMMEDIATE, or a savepoint inside an open one."""
        with self._lock:
            conn = self._connection()
            if self._depth:
                name = f"store_{self._depth}"
                conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute(f"ROLLBACK TO {name}")
                        conn.execute(f"RELEASE {name}")
                    raise
                else:
                    conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path} {_describe(exc)} ({exc})") from exc
            self._depth = 1
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise StoreError(f"{self.path} {_describe(exc)} ({exc})") from exc
                raise
            finally:
                self._depth = 0
            if self._checkpoint_due:
                self._checkpoint()

    def _rows(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        """Run a read; SQLite's operational errors become StoreError naming the file."""
        with self._lock:
            try:
                return self._connection().execute(sql, tuple(params)).fetchall()
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path} {_describe(exc)} ({exc})") from exc

    def _checkpoint(self) -> None:
        """Fold the WAL into the file and truncate it, so deleted rows leave no copy behind.

        Best effort, with a short wait: a reader in another process can block it, and then the
        old pages stay in the WAL until the next checkpoint (at the latest, the last close).
        """
        self._checkpoint_due = False
        conn = self._connection()
        try:
            conn.execute(f"PRAGMA busy_timeout = {_CHECKPOINT_TIMEOUT_MS}")
            blocked = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:
            blocked = 1
        finally:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
        if blocked:
            logger.warning("WAL checkpoint blocked by another connection; retried at close")

    def backup(self, dest: str | Path) -> None:
        """Copy the whole database, consistent as of one moment, to a new file `dest`.

        SQLite's online backup: safe while the bot is writing, unlike copying the file (which
        can catch the WAL half-applied). The copy holds patient data: keep it as safe as the
        original, and know that a patient forgotten later is still in it.
        """
        target = Path(dest)
        if target.exists():
            raise StoreError(f"{target} exists; a backup never overwrites a file")
        with self._lock, contextlib.closing(sqlite3.connect(target)) as copy:
            self._connection().backup(copy)
        logger.info("backup written")

    def applied_migrations(self) -> list[tuple[str, str]]:
        """(name, applied_at) of the schema migrations in this file, in the order applied."""
        with self._lock:
            db = Database(self._connection(), recursive_triggers=False, execute_plugins=False)
            return [(m.name, m.applied_at) for m in migrations.applied(db)]

    def pragmas(self) -> dict[str, object]:
        """The connection settings that matter for safety, for a health check (and the tests)."""
        names = ("journal_mode", "busy_timeout", "synchronous", "foreign_keys", "secure_delete")
        return {name: self._rows(f"PRAGMA {name}")[0][0] for name in names}

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
            conn.execute("DELETE FROM patients WHERE id = ?", (patient_id,))
            # The last reply in the owner's chats may name the patient: it goes too.
            conn.execute("DELETE FROM chat_replies WHERE owner_id = ?", (owner_id,))
            self.audit(
                owner_id if actor_id is None else actor_id,
                "forget",
                patient_id=patient_id,
                detail={"assessments": n_assessments, "reminders": n_reminders},
            )
            self._checkpoint_due = True
        logger.info("patient %d of owner %d forgotten", patient_id, owner_id)
        return True

    # -- assessments ------------------------------------------------------------------------------

    def save_assessment(
        self,
        patient_id: int,
        kind: AssessmentKind,
        answers: Mapping[str, Any] | BaseModel,
        case: Mapping[str, Any] | BaseModel,
        plan: Mapping[str, Any] | BaseModel,
        planner_version: str,
        next_due: date | None = None,
    ) -> int:
        """Store one planner run; the plan's `decision` is copied out for the patient list."""
        _check(kind, _ASSESSMENT_KINDS, "kind")
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
        )
        with self._write() as conn:
            if (
                conn.execute("SELECT 1 FROM patients WHERE id = ?", (patient_id,)).fetchone()
                is None
            ):
                raise NotFound(f"no patient {patient_id}")
            (assessment_id,) = conn.execute(
                f"INSERT INTO assessments ({_ASSESSMENT_COLUMNS.removeprefix('id, ')})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE patient_id = ?"
            " ORDER BY created_at, id",
            (patient.id,),
        )
        return [_assessment(r) for r in rows]

    def latest_assessment(self, patient_id: int) -> Assessment | None:
        """The patient's most recent assessment, the history for a follow-up."""
        rows = self._rows(
            f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE patient_id = ?"
            " ORDER BY created_at DESC, id DESC LIMIT 1",
            (patient_id,),
        )
        return _assessment(rows[0]) if rows else None

    # -- dialogues --------------------------------------------------------------------------------

    def save_dialogue(self, owner_id: int, chat_id: int, state: Mapping[str, Any]) -> None:
        """Keep the dialogue in progress in this chat, so a restart resumes it (called per answer)."""
        state_json = _to_json(state, "dialogue state")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO dialogues (owner_id, chat_id, state, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (owner_id, chat_id)"
                " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (owner_id, chat_id, state_json, _ts(self._now())),
            )

    def load_dialogue(self, owner_id: int, chat_id: int) -> dict[str, Any] | None:
        """The saved dialogue state of this chat, or None when no dialogue is in progress."""
        rows = self._rows(
            "SELECT state FROM dialogues WHERE owner_id = ? AND chat_id = ?", (owner_id, chat_id)
        )
        return cast(dict[str, Any], json.loads(rows[0]["state"])) if rows else None

    def clear_dialogue(self, owner_id: int, chat_id: int) -> bool:
        """Drop the dialogue state of this chat; False if there was none."""
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM dialogues WHERE owner_id = ? AND chat_id = ?", (owner_id, chat_id)
            )
        return cur.rowcount > 0

    def new_dialogue_id(self, owner_id: int, chat_id: int) -> int:
        """A fresh dialogue id, never reused (AUTOINCREMENT), for a dialogue starting in this chat."""
        with self._write() as conn:
            (dialogue_id,) = conn.execute(
                "INSERT INTO dialogue_ids (owner_id, chat_id, started_at) VALUES (?, ?, ?)"
                " RETURNING id",
                (owner_id, chat_id, _ts(self._now())),
            ).fetchone()
        return cast(int, dialogue_id)

    # -- keyboards --------------------------------------------------------------------------------

    def sync_keyboards(
        self,
        owner_id: int,
        chat_id: int,
        dialogue_id: int | None,
        step: str | None,
        shown: Iterable[int] = (),
        gone: int | None = None,
    ) -> list[int]:
        """Record what a reply left on screen; return the messages whose buttons are now stale.

        `shown` are the messages just sent with buttons for `step` of `dialogue_id` (the chat's
        dialogue after the input), `gone` a message whose buttons the channel removed itself (the
        pressed one). Every other recorded keyboard not of that dialogue and step (an earlier
        step, a replaced or finished dialogue) is stale: forgotten here and returned for the
        channel to remove; so is one of the same step when `shown` asks it again (a re-ask leaves
        one live keyboard, not two). One read, and a write only when something changed, since
        this runs after every reply.
        """
        rows = self._rows(
            "SELECT message_id, dialogue_id, step FROM keyboards WHERE owner_id = ? AND chat_id = ?",
            (owner_id, chat_id),
        )
        fresh = list(shown) if dialogue_id is not None and step is not None else []
        stale = [
            r["message_id"]
            for r in rows
            if r["message_id"] != gone
            and r["message_id"] not in fresh
            and (fresh or not (r["dialogue_id"] == dialogue_id and r["step"] == step))
        ]
        drop = stale + [r["message_id"] for r in rows if r["message_id"] == gone]
        if drop or fresh:
            with self._write() as conn:
                conn.executemany(
                    "DELETE FROM keyboards WHERE owner_id = ? AND chat_id = ? AND message_id = ?",
                    [(owner_id, chat_id, m) for m in drop],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO keyboards (owner_id, chat_id, message_id,"
                    " dialogue_id, step) VALUES (?, ?, ?, ?, ?)",
                    [(owner_id, chat_id, m, dialogue_id, step) for m in fresh],
                )
        return sorted(stale)

    def drop_keyboard(self, owner_id: int, chat_id: int, message_id: int) -> None:
        """Forget a message's buttons (the channel removed them itself)."""
        with self._write() as conn:
            conn.execute(
                "DELETE FROM keyboards WHERE owner_id = ? AND chat_id = ? AND message_id = ?",
                (owner_id, chat_id, message_id),
            )

    # -- replies ----------------------------------------------------------------------------------

    def last_reply(self, owner_id: int, chat_id: int) -> StoredReply | None:
        """The last update handled in this chat and the reply it produced, or None."""
        rows = self._rows(
            "SELECT update_id, messages, at FROM chat_replies WHERE owner_id = ? AND chat_id = ?",
            (owner_id, chat_id),
        )
        if not rows:
            return None
        row = rows[0]
        return StoredReply(row["update_id"], json.loads(row["messages"]), _parse_ts(row["at"]))

    def save_reply(
        self, owner_id: int, chat_id: int, update_id: int, messages: list[dict[str, Any]]
    ) -> None:
        """Remember the update just handled in this chat and its reply (replacing the last)."""
        body = json.dumps(messages, ensure_ascii=False, separators=(",", ":"))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO chat_replies (owner_id, chat_id, update_id, messages, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner_id, chat_id) DO UPDATE SET"
                " update_id = excluded.update_id, messages = excluded.messages, at = excluded.at",
                (owner_id, chat_id, update_id, body, _ts(self._now())),
            )

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
        items = [
            (_check(kind, _REMINDER_KINDS, "reminder kind"), _ts(due_at, "due_at"))
            for kind, due_at in reminders
        ]
        now = _ts(self._now())
        with self._write() as conn:
            owner = conn.execute(
                "SELECT owner_id FROM patients WHERE id = ?", (patient_id,)
            ).fetchone()
            if owner is None or owner["owner_id"] != owner_id:
                raise NotFound(f"owner {owner_id} has no patient {patient_id}")
            if assessment_id is not None:
                found = conn.execute(
                    "SELECT 1 FROM assessments WHERE id = ? AND patient_id = ?",
                    (assessment_id, patient_id),
                ).fetchone()
                if found is None:
                    raise NotFound(f"patient {patient_id} has no assessment {assessment_id}")
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

    def reminder(self, reminder_id: int) -> Reminder | None:
        """The reminder with this id, or None."""
        rows = self._rows(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
        )
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
        with self._write() as conn:
            row = conn.execute(
                f"UPDATE reminders SET claimed_until = ?"
                f" WHERE id = ? AND status = 'pending' AND {_FIRES_AT} <= ?"
                " AND (claimed_until IS NULL OR claimed_until <= ?)"
                f" RETURNING {_REMINDER_COLUMNS}",
                (_ts(moment + lease), reminder_id, _ts(moment, "now"), _ts(moment)),
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

    def snooze(self, reminder_id: int, until: datetime) -> bool:
        """Fire a pending or already sent reminder again at `until`; False if done or cancelled.

        A snoozed reminder is pending again, so it can be sent once more after `until`.
        """
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE reminders SET status = 'pending', snoozed_until = ?, claimed_until = NULL,"
                " sent_at = NULL, late = 0 WHERE id = ? AND status IN ('pending', 'sent')",
                (_ts(until, "until"), reminder_id),
            )
        return cur.rowcount == 1

    def mark_done(self, reminder_id: int) -> bool:
        """The clinician dealt with it: no further sending; False if already done or cancelled."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE reminders SET status = 'done', claimed_until = NULL"
                " WHERE id = ? AND status IN ('pending', 'sent', 'paused')",
                (reminder_id,),
            )
        return cur.rowcount == 1

    def cancel_for_patient(self, patient_id: int) -> list[int]:
        """Cancel the patient's reminders not yet sent (a new plan replaces them); returns their ids.

        Called in the same transaction as saving the new plan, so no moment exists in which both
        plans' reminders are pending; the ids let the caller drop their scheduled jobs.
        """
        with self._write() as conn:
            rows = conn.execute(
                "UPDATE reminders SET status = 'cancelled', claimed_until = NULL"
                " WHERE patient_id = ? AND status IN ('pending', 'paused') RETURNING id",
                (patient_id,),
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

    # -- audit ------------------------------------------------------------------------------------

    def audit(
        self,
        actor_id: int,
        action: str,
        *,
        patient_id: int | None = None,
        detail: Mapping[str, int | None] | None = None,
    ) -> int:
        """Append an audit row; `action` is a short verb, `detail` holds ids and counts only.

        Anything else (a label, a lab value, free text) is refused with ValueError, so the audit
        trail cannot leak what it must not hold.
        """
        if not _ACTION.fullmatch(action):
            raise ValueError("an audit action is a short lower-case verb like 'intake_saved'")
        clean: dict[str, int | None] = {}
        for key, value in (detail or {}).items():
            if not isinstance(key, str) or not _ACTION.fullmatch(key):
                raise ValueError("audit detail keys are short lower-case names")
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ValueError("audit detail values are ids or counts (integers) only")
            clean[key] = value
        with self._write() as conn:
            (entry_id,) = conn.execute(
                "INSERT INTO audit (at, actor_id, action, patient_id, detail)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (_ts(self._now()), actor_id, action, patient_id, json.dumps(clean)),
            ).fetchone()
        return cast(int, entry_id)

    def audit_entries(
        self, *, patient_id: int | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Audit rows, oldest first (all, or about one patient id)."""
        sql = "SELECT * FROM audit"
        params: tuple[int, ...] = ()
        if patient_id is not None:
            sql += " WHERE patient_id = ?"
            params = (patient_id,)
        sql += " ORDER BY id LIMIT ?"
        return [
            _audit_entry(r) for r in self._rows(sql, (*params, -1 if limit is None else limit))
        ]

"""The connection: opening a file without harming it, migrations, transactions, backup.

Every part of the store (patients, dialogues, reminders, audit) is a subclass of `Connection`
and shares its one connection and its one write transaction, so `Store.transaction()` spans
them all. See the package docstring for why it is shaped this way.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlite_utils import Database

from bot.store import files
from bot.store.convert import _utcnow
from bot.store.schema import KNOWN_MIGRATIONS, migrations

logger = logging.getLogger("bot.store")

BUSY_TIMEOUT_S = 15.0
"""How long a write waits for another connection's lock before giving up (seconds)."""

_CHECKPOINT_TIMEOUT_MS = 1000
_RETRY_TIMEOUT_MS = 50
"""A retry waits this long for readers, holding the store's lock: short, so no answer waits."""
_RETRY_FIRST_S = 0.1
_RETRY_MAX_S = 5.0


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file and the problem."""


class NotFound(StoreError):
    """No such patient (for this owner), assessment or reminder."""


def _describe(exc: sqlite3.Error) -> str:
    """What is wrong with the file, in words, from SQLite's error code."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_NOTADB":
        return "is not a SQLite database"
    if name.startswith("SQLITE_CORRUPT"):
        return "is a corrupt SQLite database"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "is locked by another connection"
    if name.startswith("SQLITE_READONLY"):
        return "is read-only for this user (liverbot writes it, and -wal/-shm files beside it)"
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


class Connection:
    """One SQLite connection and its write transaction, shared by every part of the store.

    Thread-safe (one lock around the connection), but meant for one thread: the asyncio loop.
    """

    @staticmethod
    def _owned(conn: sqlite3.Connection, owner_id: int, patient_id: int) -> None:
        """Raise NotFound unless the patient exists and is the owner's (inside a write)."""
        row = conn.execute(
            "SELECT 1 FROM patients WHERE id = ? AND owner_id = ?", (patient_id, owner_id)
        ).fetchone()
        if row is None:
            raise NotFound(f"owner {owner_id} has no patient {patient_id}")

    @staticmethod
    def _assessment_of(conn: sqlite3.Connection, patient_id: int, assessment_id: int) -> None:
        """Raise NotFound unless the assessment is this patient's (inside a write)."""
        row = conn.execute(
            "SELECT 1 FROM assessments WHERE id = ? AND patient_id = ?",
            (assessment_id, patient_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"patient {patient_id} has no assessment {assessment_id}")

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
        self._retrier: threading.Thread | None = None
        self._checkpoint_after_inbox = False
        self._inbox_mark: int | None = None
        """After a forget, updates still in the inbox may quote the label (the /forget command,
        the confirmation's message): until the last of them has left, each write that removes
        some checkpoints again (`InboxStore.keep_updates`)."""
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
            files.create_private(path)
        except OSError as exc:
            raise StoreError(f"{path} cannot be created ({exc.strerror or exc})") from None
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
            files.tighten(path)
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

        A reader in another process can block it; it is then retried in the background until
        it succeeds (`_retry_checkpoint`).
        """
        self._checkpoint_due = False
        if not self._try_checkpoint(_CHECKPOINT_TIMEOUT_MS):
            logger.warning("WAL checkpoint blocked by another connection; retrying")
            self._retry_checkpoint()

    def _retry_checkpoint(self) -> None:
        """Retry the checkpoint in the background until it succeeds or the store closes.

        After `/forget` the deleted rows' old pages stay in the WAL while a reader holds a snapshot
        that needs them; retrying (short waits, holding the store's lock only for each try) folds
        and truncates the WAL as soon as the reader lets go, not at the next close.
        """
        if self._retrier is not None and self._retrier.is_alive():
            return

        def retry() -> None:
            delay = _RETRY_FIRST_S
            while True:
                time.sleep(delay)
                with self._lock:
                    if self._conn is None:
                        return
                    if self._try_checkpoint(_RETRY_TIMEOUT_MS):
                        logger.info("WAL checkpoint done after a retry")
                        return
                delay = min(delay * 2, _RETRY_MAX_S)

        self._retrier = threading.Thread(target=retry, name="liverbot-checkpoint", daemon=True)
        self._retrier.start()

    def _try_checkpoint(self, timeout_ms: int) -> bool:
        """One TRUNCATE checkpoint (waiting at most `timeout_ms` for readers); True if done."""
        conn = self._connection()
        try:
            conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:
            busy = 1
        finally:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
        return not busy

    def backup(self, dest: str | Path) -> None:
        """Copy the whole database, consistent as of one moment, to a new file `dest`.

        SQLite's online backup: safe while the bot is writing, unlike copying the file (which
        can catch the WAL half-applied). The copy holds patient data: keep it as safe as the
        original, and know that a patient forgotten later is still in it.
        """
        target = Path(dest)
        try:
            files.new_private_file(target)
        except files.Refused as exc:
            raise StoreError(str(exc)) from None
        try:
            with self._lock, contextlib.closing(sqlite3.connect(target)) as copy:
                self._connection().backup(copy)
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise StoreError(f"{target} could not be written ({exc})") from None
        logger.info("backup written")

    def check_writable(self) -> None:
        """StoreError now, not at the first answer, when the file cannot be written.

        A read-only file opens and reads fine (a backup of it works); the bot and the chat call
        this at start-up. A write transaction that creates a table, rolled back, asks for what
        every answer needs, and nothing reaches the file.
        """
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("CREATE TABLE _liverbot_write_check (x)")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path} {_describe(exc)} ({exc})") from None
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")

    def applied_migrations(self) -> list[tuple[str, str]]:
        """(name, applied_at) of the schema migrations in this file, in the order applied."""
        with self._lock:
            db = Database(self._connection(), recursive_triggers=False, execute_plugins=False)
            return [(m.name, m.applied_at) for m in migrations.applied(db)]

    def pragmas(self) -> dict[str, object]:
        """The connection settings that matter for safety, for a health check (and the tests)."""
        names = ("journal_mode", "busy_timeout", "synchronous", "foreign_keys", "secure_delete")
        return {name: self._rows(f"PRAGMA {name}")[0][0] for name in names}

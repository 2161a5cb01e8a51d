"""`liverbot calendar` and `liverbot export`: files from the store, without the bot running.

Both open an existing database only (a mistyped --db must not create an empty one and write an
empty file as if there were nothing to do), and write their file private to the user (0600).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.calendar_ics import calendar_for, entries
from bot.export import as_csv, as_json, courses
from bot.files import write_private
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store, StoreError


def _open(db: str | None, prog: str, settings: Settings) -> Store | None:
    """The existing store, or None with the reason on standard error."""
    path = Path(db) if db else settings.db
    if not path.is_file():
        print(f"liverbot {prog}: {path} does not exist", file=sys.stderr)
        return None
    try:
        return Store(path)
    except StoreError as exc:
        print(f"liverbot {prog}: {exc}", file=sys.stderr)
        return None


def _write(prog: str, dest: str, content: bytes) -> bool:
    try:
        write_private(dest, content)
    except OSError as exc:
        print(f"liverbot {prog}: cannot write {dest}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def run_calendar(dest: str, db: str | None, user: int | None) -> int:
    """Entry point of `liverbot calendar OUT.ics`: the clinician's (default: the terminal's)
    pending reminders and windows; 0 when written, 2 with the reason when not."""
    settings = Settings()
    store = _open(db, "calendar", settings)
    if store is None:
        return 2
    owner = TERMINAL_OWNER if user is None else user
    now = datetime.now(UTC)
    with store:
        count = len(entries(store, owner, settings, now.astimezone(settings.zone).date()))
        content = calendar_for(store, owner, settings, now)
    if not _write("calendar", dest, content):
        return 2
    print(f"liverbot calendar: {count} event{'s' * (count != 1)} written to {dest}")
    return 0


def run_export(dest: str, db: str | None) -> int:
    """Entry point of `liverbot export OUT.csv|OUT.json`: every patient's course for an audit."""
    suffix = Path(dest).suffix.lower()
    if suffix not in (".csv", ".json"):
        print("liverbot export: the file must end in .csv or .json", file=sys.stderr)
        return 2
    settings = Settings()
    store = _open(db, "export", settings)
    if store is None:
        return 2
    with store:
        found = courses(store, settings.zone)
    content = as_csv(found) if suffix == ".csv" else as_json(found, datetime.now(UTC))
    if not _write("export", dest, content):
        return 2
    print(f"liverbot export: {len(found)} patient{'s' * (len(found) != 1)} written to {dest}")
    return 0

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
from bot.language import language_for
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store, StoreError
from lang import _, ngettext, use


def _open(db: str | None, prog: str, settings: Settings) -> Store | None:
    """The existing store, or None with the reason on standard error."""
    path = Path(db) if db else settings.db
    if not path.is_file():
        print(_("liverbot {command}: {path} does not exist").format(command=prog, path=path),
              file=sys.stderr)  # fmt: skip
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
        print(_("liverbot {command}: cannot write {path}: {reason}").format(
            command=prog, path=dest, reason=exc.strerror or exc), file=sys.stderr)  # fmt: skip
        return False
    return True


def run_calendar(dest: str, db: str | None, user: int | None) -> int:
    """Entry point of `liverbot calendar OUT.ics`: the clinician's (default: the terminal's)
    pending reminders and windows; 0 when written, 2 with the reason when not.

    The file is in the clinician's language (their /language choice, else LIVERBOT_LANG), as
    the reminders they receive are."""
    settings = Settings()
    with use(settings.default_language):
        store = _open(db, "calendar", settings)
    if store is None:
        return 2
    owner = TERMINAL_OWNER if user is None else user
    now = datetime.now(UTC)
    with store, use(language_for(store, settings, owner)):
        count = len(entries(store, owner, settings, now.astimezone(settings.zone).date()))
        content = calendar_for(store, owner, settings, now)
        if not _write("calendar", dest, content):
            return 2
        print(ngettext("liverbot calendar: {count} event written to {path}",
                       "liverbot calendar: {count} events written to {path}", count)
              .format(count=count, path=dest))  # fmt: skip
    return 0


def run_export(dest: str, db: str | None) -> int:
    """Entry point of `liverbot export OUT.csv|OUT.json`: every patient's course for an audit."""
    settings = Settings()
    with use(settings.default_language):
        return _export(dest, db, settings)


def _export(dest: str, db: str | None, settings: Settings) -> int:
    suffix = Path(dest).suffix.lower()
    if suffix not in (".csv", ".json"):
        print(_("liverbot export: the file must end in .csv or .json"), file=sys.stderr)
        return 2
    store = _open(db, "export", settings)
    if store is None:
        return 2
    with store:
        found = courses(store, settings.zone)
    content = as_csv(found) if suffix == ".csv" else as_json(found, datetime.now(UTC))
    if not _write("export", dest, content):
        return 2
    print(ngettext("liverbot export: {count} patient written to {path}",
                   "liverbot export: {count} patients written to {path}", len(found))
          .format(count=len(found), path=dest))  # fmt: skip
    return 0

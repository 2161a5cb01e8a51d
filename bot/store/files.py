"""The store's files are private to the service's user: 0600 from the moment they exist.

The database holds patient labels and plans. SQLite creates the -wal and -shm files with the
mode of the database file (unix VFS), so creating the database 0600 covers all three; a file
left 0644 by an older liverbot is tightened when opened. A backup is created 0600 with O_EXCL,
so it never overwrites a file and never follows a symbolic link (dangling or not).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE = 0o600


class Refused(Exception):
    """Why a file cannot be created, in one line (the store raises it as a StoreError)."""


SIDE_FILES = ("-wal", "-shm", "-journal")


def create_private(path: Path) -> None:
    """Create an empty database file 0600 if there is none (an empty file is an empty database)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE))


def tighten(path: Path) -> None:
    """Remove group and other access from the database and its side files, where present."""
    for file in (path, *(Path(f"{path}{suffix}") for suffix in SIDE_FILES)):
        # Gone meanwhile, or another user's file (read-only to us): nothing to tighten here.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                os.chmod(file, mode & 0o700)


def new_private_file(dest: Path) -> None:
    """Create the backup's file 0600, or say in one line why it cannot be."""
    if dest.is_symlink():
        raise Refused(f"{dest} is a symbolic link; a backup is written to a new file only")
    if dest.exists():
        raise Refused(f"{dest} exists; a backup never overwrites a file")
    if not dest.parent.is_dir():
        raise Refused(f"{dest.parent} is not an existing directory")
    try:
        os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE))
    except OSError as exc:
        raise Refused(f"{dest} cannot be created ({exc.strerror or exc})") from None

"""One liverbot process per database: an OS lock on a file beside it (`liverbot.db.lock`).

Two `liverbot serve` on one file both poll (every reply goes out twice) and the second releases
the first one's live reminder claims at start-up (a reminder is delivered twice); a `chat`
beside a running `serve` races it the same way. So `serve` and `chat` take this lock before they
open the store, and a second one exits with the holder's process id, touching nothing.

`flock` belongs to the open file: the kernel drops it when the process ends, however it ends, so
the lock of a killed process never blocks a restart (the file stays; only the lock matters).
`liverbot backup` takes no lock: SQLite's online backup is safe beside a running bot.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bot.store.connection import StoreError


def lock_path(db: Path) -> Path:
    """The lock file of a database: beside the real file, whichever path names it."""
    real = db.resolve()
    return real.with_name(real.name + ".lock")


@contextlib.contextmanager
def only_process(db: str | Path) -> Iterator[None]:
    """Hold the database's lock for the block; StoreError if another process holds it."""
    path = lock_path(Path(db))
    if not path.parent.is_dir():
        raise StoreError(f"{Path(db).parent} is not an existing directory")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise StoreError(f"{path} cannot be created ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise StoreError(
                f"{db} is in use by another liverbot (process {holder}): one process per "
                "database; stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)

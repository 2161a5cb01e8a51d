"""Files the assistant makes for a clinician (a course picture, a calendar) and how they are written.

`File` is channel-neutral: Telegram sends it as a photo or a document, the terminal and the
command line write it with `write_private`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class File:
    """A made file: its name, its bytes, and whether it is shown as a picture or kept as a file."""

    name: str
    content: bytes
    media: Literal["photo", "document"]
    mime: str


def write_private(path: str | Path, content: bytes) -> None:
    """Write `content` to `path`, readable by the service's user only (0600), all or nothing.

    The bytes go to a private temporary file beside it (mkstemp creates 0600), are synced, then
    renamed over the target: a reader never sees half a file, and a file that existed with wider
    permissions is replaced by a private one rather than rewritten in place.
    """
    target = Path(path)
    fd, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise

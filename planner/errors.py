"""One-line, field-named messages from validation errors, for every channel that takes a case."""

from __future__ import annotations

from pydantic import ValidationError


def error_path(loc: tuple[int | str, ...]) -> str:
    """`liver.albumin.value`, or `[2].liver.inr` for the third case of a list."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "input"


def first_error(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> str:
    """The first error as `path: message`, the way a clinician or a script can act on it."""
    err = exc.errors(include_url=False)[0]
    message = err["msg"]
    if err["type"] == "missing":
        message = "is required"
    elif err["type"] == "extra_forbidden":
        message = "is not a known field"
    else:
        message = message[0].lower() + message[1:]
    loc = tuple(err["loc"])
    field = (err.get("ctx") or {}).get("field")
    if field:  # a check across fields names the one at fault, not the object holding both
        loc = (*loc, *str(field).split("."))
    return f"{error_path(prefix + loc)}: {message}"

"""One-line, field-named messages from validation errors, for every channel that takes a case."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from planner.ranges import Range
from planner.said import Said, joined, said, verbatim


def error_path(loc: tuple[int | str, ...]) -> str:
    """`liver.albumin.value`, or `[2].liver.inr` for the third case of a list."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "input"


_UNKNOWN_FIELD = ("extra_forbidden", "unexpected_keyword_argument")
"""An unknown key, as a `BaseModel` and as a pydantic dataclass (the case's models) report it."""


def _first(exc: ValidationError) -> dict[str, Any]:
    """The first error; a pydantic dataclass's "not an object" in the words a `BaseModel` uses
    (the case's models became dataclasses, and its messages are part of the command's output)."""
    err: dict[str, Any] = dict(exc.errors(include_url=False)[0])
    if err["type"] == "dataclass_type":
        name = (err.get("ctx") or {}).get("class_name", "")
        err["msg"] = f"Input should be a valid dictionary or instance of {name}"
    return err


def first_error(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> str:
    """The first error as `path: message`, the way a clinician or a script can act on it."""
    err = _first(exc)
    message = err["msg"]
    if err["type"] == "missing":
        message = "is required"
    elif err["type"] in _UNKNOWN_FIELD:
        message = "is not a known field"
    else:
        message = message[0].lower() + message[1:]
    loc = tuple(err["loc"])
    field = (err.get("ctx") or {}).get("field")
    if field:  # a check across fields names the one at fault, not the object holding both
        loc = (*loc, *str(field).split("."))
    return f"{error_path(prefix + loc)}: {message}"


def first_error_said(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> Said:
    """The first error as a code (`error.field`: the path and what is wrong with it), so a channel
    words it in its reader's language; in English it reads exactly as `first_error`.

    What the project checks itself (a missing or unknown field, a range, the order of the dates)
    has its own codes; anything else pydantic found is its English message, kept verbatim.
    """
    err = _first(exc)
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    kind = err["type"]
    problem: Said
    if kind == "missing":
        problem = said("error.required")
    elif kind in _UNKNOWN_FIELD:
        problem = said("error.unknown_field")
    elif kind == "out_of_range" and "low" in ctx:
        problem = Range(ctx["low"], ctx["high"], ctx["unit"]).said()
    elif kind == "date_order":
        problem = said("error.date_order", last=ctx["last"])
    elif kind == "future_date":
        problem = said("error.future_date", when=ctx["when"], today=ctx["today"])
    else:
        problem = _pydantic_problem(kind, err["msg"], ctx)
    loc = tuple(err["loc"])
    field = ctx.get("field")
    if field:
        loc = (*loc, *str(field).split("."))
    # The path as typed, in every language: a key shaped like a day is not a day to reword.
    return said("error.field", path=verbatim(error_path(prefix + loc)), problem=problem)


_TYPES = {
    "int_type": ("error.integer", "Input should be a valid integer"),
    "float_type": ("error.number", "Input should be a valid number"),
    "bool_type": ("error.boolean", "Input should be a valid boolean"),
    "string_type": ("error.text", "Input should be a valid string"),
    "list_type": ("error.list", "Input should be a valid list"),
}
"""Pydantic's messages that have codes: coded only when pydantic said exactly this (else verbatim)."""
_QUOTED = re.compile(r"'([^']*)'")


def _pydantic_problem(kind: str, message: str, ctx: dict[str, Any]) -> Said:
    """What pydantic found, as a code where the project words it, else its message verbatim."""
    if kind in _TYPES:
        code, english = _TYPES[kind]
        if message == english.format(**ctx):
            return said(code)
    if kind in ("enum", "literal_error") and "expected" in ctx:
        choices = _QUOTED.findall(str(ctx["expected"]))
        if len(choices) > 1 and message == "Input should be " + _or(choices):
            return said("error.one_of", choices=joined("or", [f"'{c}'" for c in choices]))
    return verbatim(message[0].lower() + message[1:])


def _or(choices: list[str]) -> str:
    """`'a', 'b' or 'c'`, as pydantic lists the choices."""
    quoted = [f"'{c}'" for c in choices]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]

"""`liverbot plan FILE|-`: JSON in, JSON out, per the contract (docs/plan-json.md).

Errors are one line on standard error naming the field, exit status 2, nothing on standard output: scripts
that call the planner can tell a bad case from a plan without parsing a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from planner import Case, Plan, first_error, plan_case

EXIT_BAD_INPUT = 2
PLANS = TypeAdapter(list[Plan])


class BadInput(Exception):
    """Input that is not a valid case; the message is the one line the user sees."""


def _read(source: str, stdin: TextIO) -> str:
    if source == "-":
        return stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{source}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise BadInput(f"{source}: is not UTF-8 text") from None


def _plan_one(raw: Any, today: date, prefix: tuple[int | str, ...]) -> Plan:
    if not isinstance(raw, dict):
        where = f"[{prefix[0]}]" if prefix else "input"
        raise BadInput(f"{where}: must be a JSON object (a case)")
    data = raw if raw.get("today") is not None else {**raw, "today": today.isoformat()}
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise BadInput(first_error(exc, prefix)) from None
    return plan_case(case)


def plans_from_text(text: str, today: date) -> list[Plan] | Plan:
    """Plans for a JSON case or array of cases; `today` fills a case that gives none."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"input: not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
        raise BadInput(msg) from None
    if isinstance(raw, list):
        return [_plan_one(item, today, (i,)) for i, item in enumerate(raw)]
    return _plan_one(raw, today, ())


def run(
    source: str,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    today: date | None = None,
) -> int:
    """Run the command; returns the exit status."""
    try:
        result = plans_from_text(_read(source, stdin), today or date.today())
    except BadInput as exc:
        print(str(exc), file=stderr)
        return EXIT_BAD_INPUT
    # pydantic's own serializer: a third of the cost of json.dump over model_dump (make bench).
    if isinstance(result, list):
        text = PLANS.dump_json(result, indent=2).decode()
    else:
        text = result.model_dump_json(indent=2)
    stdout.write(text + "\n")
    return 0

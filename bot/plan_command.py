"""`liverbot plan FILE|-`: JSON in, JSON out, per the contract (docs/plan-json.md).

Errors are one line on standard error naming the field, exit status 2, nothing on standard output: scripts
that call the planner can tell a bad case from a plan without parsing a traceback. What is wrong with a
field is said in the chosen language; the field's path stays as the contract spells it.

`--jsonl` streams a large audit in constant memory: one case per input line, one plan per output line,
in order. A case that cannot be planned gives `{"line": N, "error": "..."}` on its output line (so the
lines still pair up) and the same on standard error; the exit status is then 2.

The planner says codes; the contract's text fields (flags, cautions, alternatives[].text, ...) are
worded here, at the boundary, in English unless `--lang` (or else LIVERBOT_LANG) names another
language: keys, ids, enum values and numbers are the same in every language. `--codes` gives the
codes themselves instead of words (`{"code": ..., "params": {...}}`), for tools that must not
depend on wording (docs/plan-json.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from pydantic import TypeAdapter, ValidationError

from lang import LANGUAGES, N_, _, supported, use
from lang.plan_words import say
from planner import Case, Plan, plan_case
from planner.errors import first_error_said
from planner.said import worded

EXIT_BAD_INPUT = 2
PLANS = TypeAdapter(list[Plan])


class BadInput(Exception):
    """Input that is not a valid case; the message is the one line the user sees."""


MAX_INPUT_BYTES = 10 * 1024 * 1024
"""Ten megabytes: some tens of thousands of cases; anything larger is refused before parsing."""
TOO_DEEP = N_("input: nested more than {depth} levels deep")
"""Said where the JSON parser gives up and where the depth check does."""
MAX_LINE_BYTES = 1024 * 1024
"""One case of JSON Lines: a megabyte is hundreds of times a real case."""
MAX_DEPTH = 32
"""A case nests four levels deep; JSON nested deeper than this is not a case (and deep enough
nesting would exhaust Python's recursion limit in the JSON parser or the validation)."""


def _read(source: str, stdin: BinaryIO) -> str:
    """The input as text: at most `MAX_INPUT_BYTES`, UTF-8 with or without a byte-order mark."""
    name = "input" if source == "-" else source
    try:
        if source == "-":
            data = stdin.read(MAX_INPUT_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise BadInput(
            _("{source}: cannot be read ({reason})").format(
                source=source, reason=exc.strerror or exc
            )
        ) from None
    if len(data) > MAX_INPUT_BYTES:
        raise BadInput(
            _("{name}: larger than {size} MB").format(
                name=name, size=MAX_INPUT_BYTES // (1024 * 1024)
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            _("{name}: is not UTF-8 text (byte {byte})").format(name=name, byte=exc.start)
        ) from None


def _depth(value: Any) -> int:
    """How deeply JSON containers nest in `value`, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def _plan_one(raw: Any, today: date, prefix: tuple[int | str, ...]) -> Plan:
    if not isinstance(raw, dict):
        where = f"[{prefix[0]}]" if prefix else "input"
        raise BadInput(_("{where}: must be a JSON object (a case)").format(where=where))
    data = raw if raw.get("today") is not None else {**raw, "today": today.isoformat()}
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise BadInput(say(first_error_said(exc, prefix))) from None
    return plan_case(case)


def plans_from_text(text: str, today: date) -> list[Plan] | Plan:
    """Plans for a JSON case or array of cases; `today` fills a case that gives none."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = _("input: not valid JSON ({problem}, line {line} column {column})").format(
            problem=exc.msg, line=exc.lineno, column=exc.colno
        )
        raise BadInput(msg) from None
    except RecursionError:
        raise BadInput(_(TOO_DEEP).format(depth=MAX_DEPTH)) from None
    except (
        ValueError
    ):  # not a JSONDecodeError: an integer longer than Python converts (4300 digits)
        raise BadInput(_("input: a number too long to read")) from None
    if _depth(raw) > MAX_DEPTH:
        raise BadInput(_(TOO_DEEP).format(depth=MAX_DEPTH))
    if isinstance(raw, list):
        return [_plan_one(item, today, (i,)) for i, item in enumerate(raw)]
    return _plan_one(raw, today, ())


def _lines(source: str, stdin: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of each line, read one at a time; None for a line too long."""
    with contextlib.ExitStack() as stack:
        if source == "-":
            stream = stdin
        else:
            try:
                stream = stack.enter_context(Path(source).open("rb"))
            except OSError as exc:
                raise BadInput(
                    _("{source}: cannot be read ({reason})").format(
                        source=source, reason=exc.strerror or exc
                    )
                ) from None
        number = 0
        while line := stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the long line without holding it
                yield number, None
                continue
            yield number, line


def run_jsonl(
    source: str,
    stdin: BinaryIO,
    stdout: TextIO,
    stderr: TextIO,
    today: date,
) -> int:
    """Plan JSON Lines one at a time: memory stays that of one case, however many there are."""
    failed = False
    for number, line in _lines(source, stdin):
        if line is not None and not line.strip():
            continue
        try:
            if line is None:
                raise BadInput(_("longer than {size} KB").format(size=MAX_LINE_BYTES // 1024))
            try:
                text = line.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise BadInput(
                    _("is not UTF-8 text (byte {byte})").format(byte=exc.start)
                ) from None
            plan = plans_from_text(text, today)
            if isinstance(plan, list):
                raise BadInput(_("input: must be a JSON object (a case), one per line"))
        except BadInput as exc:
            failed = True
            stdout.write(json.dumps({"line": number, "error": str(exc)}) + "\n")
            print(_("line {number}: {problem}").format(number=number, problem=exc), file=stderr)
            continue
        stdout.write(plan.model_dump_json() + "\n")
    return EXIT_BAD_INPUT if failed else 0


def language_of(requested: str | None) -> str:
    """The language of the texts: `--lang`, else LIVERBOT_LANG, else English.

    Raises:
        BadInput: for a language the catalogs do not have (`--lang fr`), rather than English unasked.
    """
    tag = requested if requested is not None else os.environ.get("LIVERBOT_LANG", "")
    if not tag.strip():
        return "en"
    chosen = supported(tag)
    if chosen is None:
        known = ", ".join(LANGUAGES)
        raise BadInput(f"--lang: unknown language {tag!r} (one of {known})")
    return chosen


def run(
    source: str,
    stdin: BinaryIO | None = None,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    today: date | None = None,
    jsonl: bool = False,
    language: str | None = None,
    codes: bool = False,
) -> int:
    """Run the command; returns the exit status (2, with one line, for input it cannot read)."""
    try:
        chosen = language_of(language)
    except BadInput as exc:
        print(str(exc), file=stderr)
        return EXIT_BAD_INPUT
    with use(chosen), worded(None if codes else say):
        return _run(source, stdin, stdout, stderr, today, jsonl)


def _run(
    source: str,
    stdin: BinaryIO | None,
    stdout: TextIO,
    stderr: TextIO,
    today: date | None,
    jsonl: bool,
) -> int:
    if jsonl:
        try:
            return run_jsonl(
                source, stdin or sys.stdin.buffer, stdout, stderr, today or date.today()
            )
        except BadInput as exc:
            print(str(exc), file=stderr)
            return EXIT_BAD_INPUT
    try:
        result = plans_from_text(_read(source, stdin or sys.stdin.buffer), today or date.today())
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

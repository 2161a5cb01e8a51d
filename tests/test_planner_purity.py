"""The planner reads no clock and does no I/O (README, planner/__init__.py): a plan depends on the case only.

The import test (test_architecture.py) cannot see `open(...)` or `date.today()`; this one reads the
planner's source for them, and runs every worked case with file access, the clock and sockets made to fail.
"""

from __future__ import annotations

import ast
import builtins
import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from planner import Case, plan_case
from tests.conftest import DATA

PLANNER = Path(__file__).parent.parent / "planner"

FORBIDDEN_MODULES = {
    "os", "io", "pathlib", "time", "random", "socket", "logging", "shutil", "tempfile",
    "subprocess", "urllib", "http", "secrets", "uuid",
}  # fmt: skip
FORBIDDEN_CALLS = {
    "open", "print", "input", "today", "now", "utcnow", "time", "monotonic", "perf_counter",
    "getenv", "urandom",
}  # fmt: skip
"""Names whose call would read a clock, the environment or a file; none has another use in the planner."""


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def offences(source: str) -> list[str]:
    """Each import of an I/O or clock module and each call of a clock or I/O function in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(node.module)
        elif isinstance(node, ast.Call) and _called_name(node) in FORBIDDEN_CALLS:
            found.append(f"{_called_name(node)}() at line {node.lineno}")
    return found


@pytest.mark.parametrize("path", sorted(PLANNER.glob("*.py")), ids=lambda p: p.name)
def test_planner_source_reads_no_clock_and_no_file(path: Path) -> None:
    assert offences(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "from datetime import date\nx = date.today()",
        "import datetime\nx = datetime.datetime.now()",
        "data = open('x').read()",
        "from pathlib import Path",
        "import os",
        "import time\nt = time.time()",
    ],
)
def test_the_check_catches_each_kind_of_offence(snippet: str) -> None:
    assert offences(snippet) != []


class _Frozen(dt.date):
    """A `date` whose today() fails: the planner must take today from the case."""

    @classmethod
    def today(cls) -> Any:
        raise AssertionError("the planner read the clock")


def test_every_worked_case_plans_with_no_file_clock_or_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cases = [
        Case.model_validate(v["case"])
        for name in ("vectors.json", "vectors-v2.json", "vectors-v2-independent.json")
        for v in json.loads((DATA / "clinical" / name).read_text(encoding="utf-8"))["cases"]
    ]

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("the planner touched a file or the network")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(dt, "date", _Frozen)
    plans = [plan_case(case) for case in cases]
    assert len(plans) == len(cases)

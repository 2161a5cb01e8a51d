"""`liverbot plan --jsonl`: a large audit streams, one case per line, in constant memory (issue 14)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc
from datetime import date
from typing import Any

from bot.plan_command import run
from tests.botkit import REPO
from tests.conftest import BASE_CASE

TODAY = date(2026, 11, 26)


class Cases(io.RawIOBase):
    """`count` cases as JSON Lines, made as they are read: the input never sits in memory."""

    def __init__(self, count: int) -> None:
        self.left = count
        self.line = (json.dumps(BASE_CASE) + "\n").encode()

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> bytes:
        if not self.left:
            return b""
        self.left -= 1
        return self.line


class Count(io.StringIO):
    """Standard output that keeps only how many lines went by."""

    def __init__(self) -> None:
        super().__init__()
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


def peak_bytes(count: int) -> int:
    """The peak of Python allocations while planning `count` cases."""
    out = Count()
    tracemalloc.start()
    try:
        status = run("-", Cases(count), out, io.StringIO(), TODAY, jsonl=True)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 0
    assert out.lines == count
    return peak


def test_memory_does_not_grow_with_the_number_of_cases() -> None:
    peak_bytes(20)  # warm caches (pydantic, the planner's tables) outside the measure
    small, large = peak_bytes(200), peak_bytes(2000)
    assert large < small * 1.5, f"peak {large} bytes for 2000 cases, {small} for 200"


def plan_of(case: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "plan", "-"], cwd=REPO, input=json.dumps(case),
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_each_line_gets_its_plan_or_its_error_in_order() -> None:
    other = {**BASE_CASE, "ecog": 3}
    lines = [json.dumps(BASE_CASE), "{bad", "", json.dumps({**BASE_CASE, "age": "x"}),
             json.dumps(other), "[1]"]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot", "plan", "--jsonl", "-"], cwd=REPO,
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert out[0] == plan_of(BASE_CASE)
    assert out[1]["line"] == 2
    assert out[1]["error"].startswith("input: not valid JSON")
    assert out[2] == {"line": 4, "error": "age: input should be a valid integer"}
    assert out[3] == plan_of(other)
    assert out[4]["line"] == 6
    assert len(out) == 5, "the empty line is skipped"
    assert done.stderr.splitlines() == [
        f"line {o['line']}: {o['error']}" for o in out if "error" in o
    ]

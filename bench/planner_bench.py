"""Plans per second of the planner alone, on the worked cases (validation + planning + JSON).

Wall-clock figures on a shared virtual machine move by a third from one run to the next, so the
round trip is also counted in CPU instructions under valgrind (`instructions()`, or `python -m
bench.planner_bench --instructions`): deterministic with a fixed hash seed, it tells whether a change
made the planner cheaper when the timings cannot.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from lang.plan_words import say
from planner import Case, plan_case
from planner.said import worded

VECTORS = Path(__file__).parent.parent / "tests" / "data" / "clinical" / "vectors.json"


def measure(rounds: int = 200) -> dict[str, float]:
    """Median microseconds per case for planning alone and for the whole JSON round trip."""
    cases: list[dict[str, Any]] = [v["case"] for v in json.loads(VECTORS.read_text())["cases"]]
    parsed = [Case.model_validate(c) for c in cases]
    plan_only: list[float] = []
    round_trip: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        for case in parsed:
            plan_case(case)
        plan_only.append((time.perf_counter() - start) / len(parsed))
        start = time.perf_counter()
        with worded(say):  # what `liverbot plan` prints: the plan's sentences in English
            for raw in cases:
                plan_case(Case.model_validate(raw)).model_dump_json()
        round_trip.append((time.perf_counter() - start) / len(cases))
    plan_only.sort()
    round_trip.sort()
    return {
        "plan_us": plan_only[len(plan_only) // 2] * 1e6,
        "json_round_trip_us": round_trip[len(round_trip) // 2] * 1e6,
        "plans_per_second": 1 / plan_only[len(plan_only) // 2],
    }


def round_trips(rounds: int) -> None:
    """Validate, plan and word-JSON every worked case `rounds` times (what `instructions` counts)."""
    cases: list[dict[str, Any]] = [v["case"] for v in json.loads(VECTORS.read_text())["cases"]]
    with worded(say):
        for _ in range(rounds):
            for raw in cases:
                plan_case(Case.model_validate(raw)).model_dump_json()


_COLLECTED = re.compile(r"Collected\s*:\s*([\d,]+)")
"""callgrind's summary line: `==123== Collected : 1,234,567`."""


def instructions(extra_rounds: int = 5) -> float | None:
    """CPU instructions per case of validate + plan + JSON, or None without valgrind.

    Two runs under callgrind, of one round and of 1 + `extra_rounds`; the difference holds the
    rounds alone (no start-up, imports or first-use caches), divided by the cases they planned.
    """
    if shutil.which("valgrind") is None:
        return None
    count = len(json.loads(VECTORS.read_text())["cases"])

    def collected(rounds: int) -> int:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
             sys.executable, "-m", "bench.planner_bench", "--round-trips", str(rounds)],
            capture_output=True, text=True, check=True,
            env=os.environ | {"PYTHONHASHSEED": "0"},
            cwd=Path(__file__).parent.parent,
        )  # fmt: skip
        found = _COLLECTED.search(done.stderr)
        if found is None:
            raise RuntimeError("valgrind printed no instruction count")
        return int(found.group(1).replace(",", ""))

    return (collected(1 + extra_rounds) - collected(1)) / extra_rounds / count


def main() -> None:
    """Print the planner's figures (`--instructions`: the instruction count instead)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", action="store_true", help="count under valgrind")
    parser.add_argument("--round-trips", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.round_trips is not None:
        round_trips(args.round_trips)
        return
    if args.instructions:
        per_case = instructions()
        if per_case is None:
            sys.exit("valgrind is not installed")
        print(f"validate + plan + JSON: {per_case:,.0f} instructions per case")
        return
    m = measure()
    print(
        f"planner: {m['plan_us']:.0f} us per plan ({m['plans_per_second']:,.0f} plans/s); "
        f"validate + plan + JSON: {m['json_round_trip_us']:.0f} us per case"
    )
    print(f"interpreter: {interpreter()}")


def interpreter() -> str:
    """Which CPython ran the figures (`Python 3.11.2, /usr/bin/python3.11`): the same code runs
    12-18% slower on pyenv's default build than on Debian's optimised one (README, Performance)."""
    return f"Python {platform.python_version()}, {os.path.realpath(sys.executable)}"


if __name__ == "__main__":
    main()

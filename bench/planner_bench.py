"""Plans per second of the planner alone, on the worked cases (validation + planning + JSON)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from lang.plan_words import say
from planner import Case, plan_case

WORDED = {"say": say}
"""What `liverbot plan` prints: the plan's sentence codes worded (in English, the default)."""
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
        for raw in cases:
            plan_case(Case.model_validate(raw)).model_dump_json(context=WORDED)
        round_trip.append((time.perf_counter() - start) / len(cases))
    plan_only.sort()
    round_trip.sort()
    return {
        "plan_us": plan_only[len(plan_only) // 2] * 1e6,
        "json_round_trip_us": round_trip[len(round_trip) // 2] * 1e6,
        "plans_per_second": 1 / plan_only[len(plan_only) // 2],
    }


def main() -> None:
    """Print the planner's figures."""
    m = measure()
    print(
        f"planner: {m['plan_us']:.0f} us per plan ({m['plans_per_second']:,.0f} plans/s); "
        f"validate + plan + JSON: {m['json_round_trip_us']:.0f} us per case"
    )


if __name__ == "__main__":
    main()

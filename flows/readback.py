"""What was read: every plan says back the values it was made from.

A quick-check line or a long dialogue can be misread (a unit, a key, a skipped question); the
clinician can only catch that if the plan shows what the planner was given, in the words of the
questions. Kept apart from `flows.render` (the plan itself) so the plan's layout and this line
evolve independently.
"""

from __future__ import annotations

from typing import Any

from flows.case import CASE_PATHS, applicable
from flows.questions import INTAKE_QUESTIONS

READ = "Read: "


def read_back(answers: dict[str, Any]) -> str:
    """`Read: Age 70, ECOG 0, Nodules 2, Largest 3.5 cm, ...`: the answers that reach the planner.

    In question order, each shown as the dialogue's summary shows it; answers to questions that
    do not apply (and skipped ones) are left out, since the planner never sees them.
    """
    used = applicable(answers)
    parts = [
        f"{q.short} {q.show(used[q.id])}"
        for q in INTAKE_QUESTIONS
        if q.id in used and q.id in CASE_PATHS
    ]
    return READ + (", ".join(parts) or "nothing") + "."


def with_read_back(plan_text: str, answers: dict[str, Any], limit: int = 4096) -> str:
    """The plan's text with the read-back after its first line (the glanceable summary).

    When the plan already fills the message, the read-back is shortened rather than the plan.
    """
    line = read_back(answers)
    head, sep, rest = plan_text.partition("\n")
    room = limit - len(plan_text) - 2
    if room <= len(READ) + 1:
        return plan_text
    if len(line) > room:
        line = line[: room - 1] + "…"
    return f"{head}\n{line}{sep}{rest}" if sep else f"{head}\n{line}"

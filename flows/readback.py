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
from lang import N_, _, pgettext

READ = N_("Read: {answers}.")


def read_back(answers: dict[str, Any]) -> str:
    """`Read: Age 70, ECOG 0, Nodules 2, Largest 3.5 cm, ...`: the answers that reach the planner.

    In question order, each shown as the dialogue's summary shows it, in the active language;
    answers to questions that do not apply (and skipped ones) are left out, since the planner
    never sees them.
    """
    used = applicable(answers)
    parts = [
        f"{q.name()} {q.show(used[q.id])}"
        for q in INTAKE_QUESTIONS
        if q.id in used and q.id in CASE_PATHS
    ]
    listed = pgettext("dialogue list", ", ").join(parts) or pgettext("read back", "nothing")
    return _(READ).format(answers=listed)

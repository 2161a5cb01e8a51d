"""Values that sit where published conventions disagree, and what the other convention would change.

A flag alone ("some tables score this 3") leaves the clinician to work out whether it matters. Each disputed
value therefore carries the settings of the other convention; the planner plans the case again under them
and the flag says whether the Child-Pugh class, the BCLC stage or the decision would change, and to what
(safety-and-course.md section 11).
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from planner.said import Said
from planner.settings import ProtocolSettings


@dataclass(slots=True)
class Disputed:
    """A flag's sentence (a code) and the settings under the other convention (None: nothing to re-plan).

    `unchanged` marks a convention that cannot reach the class, the stage or the decision (the ALBI
    coefficient feeds none of them), so the plan says so without planning the case again.
    """

    text: Said
    other: ProtocolSettings | None = None
    unchanged: bool = False


def variant(settings: ProtocolSettings, **changes: Any) -> ProtocolSettings:
    """The settings under another convention; memoised, since a plan meets the same few variants."""
    return _variant(settings, tuple(sorted(changes.items())))


@lru_cache(maxsize=256)
def _variant(settings: ProtocolSettings, changes: tuple[tuple[str, Any], ...]) -> ProtocolSettings:
    # Not `dataclasses.replace`, which validates again: a department's alternatives may lie outside
    # the bounds of the setting they stand in for (as `model_copy` allowed before the settings
    # became a dataclass), and the flag must still say what that convention would change.
    other = copy(settings)
    for name, value in changes:
        object.__setattr__(other, name, value)
    return other

"""Values that sit where published conventions disagree, and what the other convention would change.

A flag alone ("some tables score this 3") leaves the clinician to work out whether it matters. Each disputed
value therefore carries the settings of the other convention; the planner plans the case again under them
and the flag says whether the Child-Pugh class, the BCLC stage or the decision would change, and to what
(safety-and-course.md section 11).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.settings import ProtocolSettings


@dataclass(frozen=True)
class Disputed:
    """A flag's text and the settings under the other convention (None: nothing to re-plan)."""

    text: str
    other: ProtocolSettings | None = None

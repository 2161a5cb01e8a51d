"""Values the founding protocol leaves open (protocol.md part B), as settings a department may change.

Nothing here is a hidden constant: the plan states the threshold it used, and the defaults carry the reason
given in part B.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProtocolSettings(BaseModel):
    """Department-level choices where the founding text gives no number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    elderly_age: int = Field(
        75, ge=50, le=100, description="P2 'elderly': age at or above this (TACE outcome studies)."
    )
    elderly_age_alternatives: tuple[int, int] = Field(
        (70, 80),
        description="Other cut-offs in the literature (guidelines.md 9); an age between them is flagged "
        "when P2 hinges on it.",
    )
    severe_cirrhosis_child_pugh_points: int = Field(
        7, ge=5, le=15, description="P2 'severe cirrhosis': Child-Pugh points at or above this."
    )
    interval_min_days: int = Field(50, ge=1, description="P5: earliest day after the last one.")
    interval_max_months: int = Field(3, ge=1, description="P5: latest, in calendar months.")
    recovery_gap_days: int = Field(21, ge=0, description="P6: days after recovery at the least.")
    imaging_after_intervention_weeks: tuple[int, int] = Field(
        (4, 6), description="Follow-up CT or MRI after an intervention (guidelines.md 7)."
    )
    reimaging_after_hold_months: int = Field(
        1,
        ge=1,
        le=3,
        description="Imaging after a hold (P7): the guideline says every 1-3 months by response; the "
        "default is the earliest, since an early reminder can be snoozed and a late one cannot be undone.",
    )


DEFAULT_SETTINGS = ProtocolSettings()

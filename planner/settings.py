"""Values the founding protocol leaves open (protocol.md part B), as settings a department may change.

Nothing here is a hidden constant: the plan states the threshold it used, and the defaults carry the reason
given in part B.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass


class Refractoriness(StrEnum):
    """Which definition of TACE refractoriness applies (safety-and-course.md section 5)."""

    JSH_2014 = "jsh_2014"
    """Two consecutive failing follow-ups, or new vascular invasion or extrahepatic spread (Kudo 2014)."""
    CHINESE_CONSENSUS_2022 = "chinese_consensus_2022"
    """Three or more consecutive sessions first (Chinese College of Interventionalists, 2022)."""


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class ProtocolSettings:
    """Department-level choices where the founding text gives no number.

    A pydantic dataclass, validated when made (`ProtocolSettings(elderly_age=70)`), and read
    through slots: the planner reads its settings some fifty times per plan, and a `BaseModel`'s
    fields are read through its `__getattr__` hook (issue 9's budget of 150 µs per plan).
    """

    elderly_age: Annotated[
        int,
        Field(
            ge=50, le=100, description="P2 'elderly': age at or above this (TACE outcome studies)."
        ),
    ] = 75
    elderly_age_alternatives: Annotated[
        tuple[int, int],
        Field(
            description="Other cut-offs in the literature (guidelines.md 9); an age between them is "
            "flagged when P2 hinges on it."
        ),
    ] = (70, 80)
    severe_cirrhosis_child_pugh_points: Annotated[
        int,
        Field(
            ge=5, le=15, description="P2 'severe cirrhosis': Child-Pugh points at or above this."
        ),
    ] = 7
    interval_min_days: Annotated[
        int, Field(ge=1, description="P5: earliest day after the last one.")
    ] = 50
    interval_max_months: Annotated[
        int, Field(ge=1, description="P5: latest, in calendar months.")
    ] = 3
    recovery_gap_days: Annotated[
        int, Field(ge=0, description="P6: days after recovery at the least.")
    ] = 21
    imaging_after_intervention_weeks: Annotated[
        tuple[int, int],
        Field(description="Follow-up CT or MRI after an intervention (guidelines.md 7)."),
    ] = (4, 6)
    reimaging_after_hold_months: Annotated[
        int,
        Field(
            ge=1,
            le=3,
            description="Imaging after a hold (P7): the guideline says every 1-3 months by response; "
            "the default is the earliest, since an early reminder can be snoozed and a late one cannot "
            "be undone.",
        ),
    ] = 1

    # Conventions where published sources disagree (guidelines.md, safety-and-course.md). The plan flags a
    # value that sits where they disagree and says what the other convention would change.
    child_pugh_albumin_low_g_dl: Annotated[
        float,
        Field(
            description="Child-Pugh albumin: 3 points below this (Pugh 2.8 g/dL; Harrison's 3.0)."
        ),
    ] = 2.8
    child_pugh_bilirubin_table: Annotated[
        Literal["entered", "mg_dl", "umol_l"],
        Field(
            description="Child-Pugh bilirubin scored with the table of the unit entered (the project's "
            "convention), or always with one unit's table."
        ),
    ] = "entered"
    child_pugh_bilirubin_high_umol_l: Annotated[
        float,
        Field(description="SI table: 3 points above this (51 umol/L; some SI tables use 50)."),
    ] = 51.0
    albi_albumin_coefficient: Annotated[
        float, Field(description="ALBI albumin coefficient (-0.085; some papers print -0.0852).")
    ] = -0.085
    bclc_inclusive_cut_offs: Annotated[
        bool,
        Field(
            description="BCLC 2022 '<= 2 cm' (stage 0) and '<= 3 cm' (stage A, 2-3 nodules); older "
            "editions print '<'."
        ),
    ] = True
    mrecist_from_sums: Annotated[
        bool,
        Field(
            description="When the radiologist's mRECIST category and the one computed from the viable "
            "sums differ, use the sums (default: the radiologist's reading, which sees more than the "
            "sums)."
        ),
    ] = False
    refractoriness: Annotated[
        Refractoriness,
        Field(description="Definition of TACE refractoriness (JSH 2014 by default)."),
    ] = Refractoriness.JSH_2014


DEFAULT_SETTINGS = ProtocolSettings()

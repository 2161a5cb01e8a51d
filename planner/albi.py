"""ALBI (Johnson et al., J Clin Oncol 2015) and mALBI (Hiraoka et al., Liver Cancer 2017).

ALBI = 0.66 x log10(bilirubin, umol/L) - 0.085 x albumin (g/L). The grade is read from the unrounded score:
-2.5956 shows as -2.60 but is grade 2 (guidelines.md section 2).
"""

from __future__ import annotations

import math
from typing import Literal

from planner.conventions import Disputed, variant
from planner.models import AlbiResult
from planner.said import said
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.units import AlbuminUnit, BilirubinUnit, Labs, albumin_g_l, bilirubin_umol_l

BILIRUBIN_COEFFICIENT = 0.66
ALBUMIN_COEFFICIENT = -0.085
"""The project's convention; some papers print -0.0852 (flagged when it changes the grade)."""
ALBUMIN_COEFFICIENT_ALTERNATIVE = -0.0852

GRADE_1_MAX = -2.60
"""Grade 1: score <= -2.60."""
GRADE_2_MAX = -1.39
"""Grade 2: -2.60 < score <= -1.39; grade 3 above."""
MALBI_2A_MAX = -2.270
"""mALBI splits grade 2 at -2.270: 2a <= -2.270 < 2b."""

DISPLAY_DECIMALS = 2


def albi_score(
    bilirubin: float,
    bilirubin_unit: BilirubinUnit,
    albumin: float,
    albumin_unit: AlbuminUnit,
    albumin_coefficient: float = ALBUMIN_COEFFICIENT,
) -> float:
    """The unrounded ALBI score."""
    return _score(
        bilirubin_umol_l(bilirubin, bilirubin_unit),
        albumin_g_l(albumin, albumin_unit),
        albumin_coefficient,
    )


def _score(umol_l: float, g_l: float, albumin_coefficient: float) -> float:
    return BILIRUBIN_COEFFICIENT * math.log10(umol_l) + albumin_coefficient * g_l


def albi_grade(score: float) -> Literal[1, 2, 3]:
    """Grade 1, 2 or 3 from the unrounded score."""
    if score <= GRADE_1_MAX:
        return 1
    return 2 if score <= GRADE_2_MAX else 3


def malbi_grade(score: float) -> Literal["1", "2a", "2b", "3"]:
    """mALBI grade: ALBI grade 2 split at -2.270."""
    grade = albi_grade(score)
    if grade != 2:
        return "1" if grade == 1 else "3"
    return "2a" if score <= MALBI_2A_MAX else "2b"


def albi(
    bilirubin: float,
    bilirubin_unit: BilirubinUnit,
    albumin: float,
    albumin_unit: AlbuminUnit,
    settings: ProtocolSettings = DEFAULT_SETTINGS,
) -> AlbiResult:
    """ALBI score rounded for display, its grade and the mALBI grade."""
    return albi_of(Labs.of(bilirubin, bilirubin_unit, albumin, albumin_unit), settings)


def albi_of(labs: Labs, settings: ProtocolSettings = DEFAULT_SETTINGS) -> AlbiResult:
    """`albi` from the labs already converted (the planner converts them once per plan)."""
    score = _score(
        labs.bilirubin_umol_l_exact, labs.albumin_g_l_exact, settings.albi_albumin_coefficient
    )
    grade, malbi = albi_grade(score), malbi_grade(score)
    return AlbiResult(round(score, DISPLAY_DECIMALS), grade, malbi)  # score, grade, malbi


def albi_flags(
    bilirubin: float,
    bilirubin_unit: BilirubinUnit,
    albumin: float,
    albumin_unit: AlbuminUnit,
    settings: ProtocolSettings = DEFAULT_SETTINGS,
    *,
    graded: Literal[1, 2, 3] | None = None,
    labs: Labs | None = None,
) -> list[Disputed]:
    """A flag when the published albumin coefficients (-0.085, -0.0852) give different grades.

    `graded`: the grade `albi` gave for these values under `settings`, and `labs`: the values
    converted, when the caller has them (the planner does), so that nothing is worked out twice.
    """
    if labs is None:
        labs = Labs.of(bilirubin, bilirubin_unit, albumin, albumin_unit)
    umol_l, g_l = labs.bilirubin_umol_l_exact, labs.albumin_g_l_exact
    used = settings.albi_albumin_coefficient
    alternative = (
        ALBUMIN_COEFFICIENT_ALTERNATIVE if used == ALBUMIN_COEFFICIENT else ALBUMIN_COEFFICIENT
    )
    ours = graded if graded is not None else albi_grade(_score(umol_l, g_l, used))
    other = albi_grade(_score(umol_l, g_l, alternative))
    if ours == other:
        return []
    return [
        Disputed(
            said(
                "flag.albi_coefficient",
                used_grade=ours,
                used=used,
                other_grade=other,
                other=alternative,
            ),
            variant(settings, albi_albumin_coefficient=alternative),
            unchanged=True,
        )
    ]

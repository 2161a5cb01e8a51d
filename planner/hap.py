"""HAP score, prognosis before TACE (Kadalayil et al., Ann Oncol 2013;24:2565; safety-and-course.md 8).

One point each: albumin < 36 g/L, AFP > 400 ng/mL, bilirubin > 17 umol/L, largest tumour > 7 cm; HAP A = 0,
B = 1, C = 2, D = 3 or more. It needs AFP: without it there is no class (mHAP-III is not used, its
coefficients were not verified).
"""

from __future__ import annotations

from typing import Literal

from planner.models import Case
from planner.units import Labs

ALBUMIN_BELOW_G_L = 36.0
AFP_ABOVE_NG_ML = 400.0
BILIRUBIN_ABOVE_UMOL_L = 17.0
LARGEST_ABOVE_CM = 7.0
CLASSES: tuple[Literal["A", "B", "C", "D"], ...] = ("A", "B", "C", "D")


def hap(case: Case, labs: Labs) -> Literal["A", "B", "C", "D"] | None:
    """The HAP class, or None without AFP; `labs` are the case's, converted."""
    afp = case.tumour.afp
    if afp is None:
        return None
    points = sum(
        (
            labs.albumin_g_l < ALBUMIN_BELOW_G_L,
            afp > AFP_ABOVE_NG_ML,
            labs.bilirubin_umol_l > BILIRUBIN_ABOVE_UMOL_L,
            case.tumour.largest_cm > LARGEST_ABOVE_CM,
        )
    )
    return CLASSES[min(points, len(CLASSES) - 1)]

"""Transplant criteria met by the tumour (safety-and-course.md section 7), for HCC only.

Milan (Mazzaferro, NEJM 1996): single <= 5 cm, or 2-3 nodules each <= 3 cm. UCSF (Yao, Hepatology 2001):
single <= 6.5 cm, or at most 3 with the largest <= 4.5 cm and a total diameter <= 8 cm; only the largest is
entered, so the total is taken as count x largest (conservative: it can only under-call UCSF). Up-to-seven
(Mazzaferro, Lancet Oncol 2009): largest cm + count <= 7. Vascular invasion or extrahepatic spread excludes
all three.
"""

from __future__ import annotations

from planner.conventions import Disputed
from planner.decimals import decimal_round
from planner.models import (
    HCC,
    NO_PVTT,
    TransplantCriteria,
    Tumour,
)
from planner.said import said

MILAN_SINGLE_MAX_CM = 5.0
MILAN_MULTI_MAX_COUNT = 3
MILAN_MULTI_MAX_CM = 3.0
UCSF_SINGLE_MAX_CM = 6.5
UCSF_MULTI_MAX_COUNT = 3
UCSF_MULTI_MAX_CM = 4.5
UCSF_TOTAL_MAX_CM = 8.0
UP_TO_SEVEN_MAX = 7.0
SUM_DIGITS = 4


def criteria(tumour: Tumour) -> TransplantCriteria | None:
    """Milan, UCSF and up-to-seven; None when the tumour is not HCC (the criteria are for HCC)."""
    if tumour.type is not HCC:
        return None
    if tumour.pvtt is not NO_PVTT or tumour.extrahepatic:
        return TransplantCriteria(False, False, False)  # milan, ucsf, up_to_seven
    n, size = tumour.count, tumour.largest_cm
    milan = (n == 1 and size <= MILAN_SINGLE_MAX_CM) or (
        1 < n <= MILAN_MULTI_MAX_COUNT and size <= MILAN_MULTI_MAX_CM
    )
    ucsf = (n == 1 and size <= UCSF_SINGLE_MAX_CM) or (
        n <= UCSF_MULTI_MAX_COUNT
        and size <= UCSF_MULTI_MAX_CM
        and decimal_round(n * size, SUM_DIGITS) <= UCSF_TOTAL_MAX_CM
    )
    up_to_seven = decimal_round(size + n, SUM_DIGITS) <= UP_TO_SEVEN_MAX
    return TransplantCriteria(milan, ucsf, up_to_seven)


def ucsf_total_flag(tumour: Tumour) -> Disputed | None:
    """A flag when UCSF fails only on the conservative total (count x largest above 8 cm).

    The true total of the diameters, smaller nodules included, may be within 8 cm; the criteria change
    only the transplant line, never the class, the stage or the decision.
    """
    n, size = tumour.count, tumour.largest_cm
    if (
        tumour.type is not HCC
        or tumour.pvtt is not NO_PVTT
        or tumour.extrahepatic
        or not 1 < n <= UCSF_MULTI_MAX_COUNT
        or size > UCSF_MULTI_MAX_CM
        or decimal_round(n * size, SUM_DIGITS) <= UCSF_TOTAL_MAX_CM
    ):
        return None
    return Disputed(
        said("flag.ucsf_total", count=n, largest=size, total=n * size),
        unchanged=True,
    )

"""MELD (Kamath et al., Hepatology 2001; OPTN policy) and MELD-Na (Kim et al., NEJM 2008; OPTN 2016).

MELD(i) = 0.957 ln(creatinine mg/dL) + 0.378 ln(bilirubin mg/dL) + 1.120 ln(INR) + 0.643, with OPTN's
bounds: values below 1.0 count as 1.0, creatinine above 4.0 or dialysis (2 or more sessions in the last
week) counts as 4.0; MELD(i) is rounded to the tenth and multiplied by 10. MELD-Na applies only when
MELD > 11, with sodium bounded to 125-137 (guidelines.md section 3).
"""

from __future__ import annotations

import math

from planner.models import MeldResult

CREATININE_COEFFICIENT = 0.957
BILIRUBIN_COEFFICIENT = 0.378
INR_COEFFICIENT = 1.120
CONSTANT = 0.643

LAB_FLOOR = 1.0
"""Creatinine, bilirubin and INR below 1.0 count as 1.0."""
CREATININE_CAP_MG_DL = 4.0
"""Creatinine above 4.0 mg/dL, or dialysis, counts as 4.0."""
MELD_MIN = 6
MELD_MAX = 40

MELD_NA_FROM = 11
"""MELD-Na applies only when MELD is above this (OPTN)."""
SODIUM_LOW = 125.0
SODIUM_HIGH = 137.0
MELD_NA_SODIUM_COEFFICIENT = 1.32
MELD_NA_INTERACTION = 0.033


def _half_up(value: float) -> int:
    """Round half up, as OPTN does, not to even as Python's round() does."""
    return math.floor(value + 0.5)


def meld_score(creatinine_mg_dl: float, bilirubin_mg_dl: float, inr: float, dialysis: bool) -> int:
    """MELD from labs in mg/dL, bounded to 6-40."""
    creatinine = CREATININE_CAP_MG_DL if dialysis else creatinine_mg_dl
    creatinine = min(max(creatinine, LAB_FLOOR), CREATININE_CAP_MG_DL)
    meld_i = (
        CREATININE_COEFFICIENT * math.log(creatinine)
        + BILIRUBIN_COEFFICIENT * math.log(max(bilirubin_mg_dl, LAB_FLOOR))
        + INR_COEFFICIENT * math.log(max(inr, LAB_FLOOR))
        + CONSTANT
    )
    score = _half_up(round(meld_i * 10, 9))
    return min(max(score, MELD_MIN), MELD_MAX)


def meld_na_score(meld: int, sodium: float) -> int:
    """MELD-Na from MELD and sodium (mmol/L); MELD itself when MELD <= 11."""
    if meld <= MELD_NA_FROM:
        return meld
    na = min(max(sodium, SODIUM_LOW), SODIUM_HIGH)
    gap = SODIUM_HIGH - na
    value = meld + MELD_NA_SODIUM_COEFFICIENT * gap - MELD_NA_INTERACTION * meld * gap
    return min(_half_up(round(value, 9)), MELD_MAX)


def meld(
    creatinine_mg_dl: float | None,
    bilirubin_mg_dl: float,
    inr: float,
    dialysis: bool,
    sodium: float | None,
) -> MeldResult | None:
    """MELD and MELD-Na, or None when creatinine is unknown and the patient is not on dialysis."""
    if creatinine_mg_dl is None and not dialysis:
        return None
    base = meld_score(creatinine_mg_dl or CREATININE_CAP_MG_DL, bilirubin_mg_dl, inr, dialysis)
    capped = dialysis or (creatinine_mg_dl is not None and creatinine_mg_dl > CREATININE_CAP_MG_DL)
    meld_na = None if sodium is None else meld_na_score(base, sodium)
    return MeldResult(base, meld_na, capped)  # meld, meld_na, dialysis_or_capped

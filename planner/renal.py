"""Renal function: Cockcroft-Gault creatinine clearance and CKD-EPI 2021 eGFR (safety-and-course.md 9).

The clearance decides the renal contraindication (< 30 mL/min, Chinese guideline and EASL 2018); the eGFR is
shown beside it for information only. Both overestimate kidney function in cirrhosis and sarcopenia (low
creatinine production), which the plan says whenever it shows them.
"""

from __future__ import annotations

from planner.models import Sex

CG_AGE_FROM = 140
"""Cockcroft-Gault: (140 - age) x weight kg / (72 x creatinine mg/dL), x 0.85 if female."""
CG_DIVISOR = 72.0
CG_FEMALE_FACTOR = 0.85
CLEARANCE_LIMIT_ML_MIN = 30.0
"""Creatinine clearance below 30 mL/min contraindicates TACE (Chinese guideline; EASL 2018)."""
CLEARANCE_DECIMALS = 1
"""The clearance is shown, and compared with its limit, to one decimal, so what is read is what decided."""

CKD_EPI_CONSTANT = 142.0
"""CKD-EPI 2021 without race (Inker et al., NEJM 2021;385:1737), mL/min/1.73 m2."""
CKD_EPI_KAPPA = {Sex.FEMALE: 0.7, Sex.MALE: 0.9}
CKD_EPI_ALPHA = {Sex.FEMALE: -0.241, Sex.MALE: -0.302}
CKD_EPI_HIGH_EXPONENT = -1.200
CKD_EPI_AGE_BASE = 0.9938
CKD_EPI_FEMALE_FACTOR = 1.012


def cockcroft_gault(age: int, weight_kg: float, creatinine_mg_dl: float, sex: Sex) -> float:
    """Creatinine clearance in mL/min, with actual body weight, rounded to one decimal."""
    clearance = (CG_AGE_FROM - age) * weight_kg / (CG_DIVISOR * creatinine_mg_dl)
    if sex is Sex.FEMALE:
        clearance *= CG_FEMALE_FACTOR
    return round(clearance, CLEARANCE_DECIMALS)


def ckd_epi_2021(age: int, creatinine_mg_dl: float, sex: Sex) -> float:
    """eGFR in mL/min/1.73 m2 by CKD-EPI 2021, rounded to one decimal (for information)."""
    ratio = creatinine_mg_dl / CKD_EPI_KAPPA[sex]
    egfr = (
        CKD_EPI_CONSTANT
        * min(ratio, 1.0) ** CKD_EPI_ALPHA[sex]
        * max(ratio, 1.0) ** CKD_EPI_HIGH_EXPONENT
        * CKD_EPI_AGE_BASE**age
    )
    if sex is Sex.FEMALE:
        egfr *= CKD_EPI_FEMALE_FACTOR
    return round(egfr, CLEARANCE_DECIMALS)

"""Laboratory units and their conversions.

Clinicians enter values in the unit their laboratory reports; the scores need one unit or the other, and
Child-Pugh is scored in the unit entered (guidelines.md section 1). Conversions are named constants so that a
reviewer can check them against the source (guidelines.md, "Unit conversions").
"""

from __future__ import annotations

from enum import StrEnum

BILIRUBIN_UMOL_PER_MG_DL = 17.1
"""1 mg/dL of bilirubin = 17.1 umol/L."""

ALBUMIN_G_L_PER_G_DL = 10.0
"""1 g/dL of albumin = 10 g/L."""

CREATININE_UMOL_PER_MG_DL = 88.4
"""1 mg/dL of creatinine = 88.4 umol/L."""


CONVERSION_DIGITS = 4
"""Converted values are rounded so that 2.0 mg/dL is 34.2 umol/L, not 34.199999, at every cut-off."""


class BilirubinUnit(StrEnum):
    """Units a bilirubin may be reported in."""

    UMOL_L = "umol/L"
    MG_DL = "mg/dL"


class AlbuminUnit(StrEnum):
    """Units an albumin may be reported in."""

    G_L = "g/L"
    G_DL = "g/dL"


class CreatinineUnit(StrEnum):
    """Units a creatinine may be reported in."""

    UMOL_L = "umol/L"
    MG_DL = "mg/dL"


def bilirubin_mg_dl(value: float, unit: BilirubinUnit) -> float:
    """Bilirubin in mg/dL, the unit of MELD and of the mg/dL Child-Pugh table."""
    return value if unit is BilirubinUnit.MG_DL else value / BILIRUBIN_UMOL_PER_MG_DL


def bilirubin_umol_l(value: float, unit: BilirubinUnit) -> float:
    """Bilirubin in umol/L, the unit of ALBI and of the SI Child-Pugh table."""
    return value if unit is BilirubinUnit.UMOL_L else value * BILIRUBIN_UMOL_PER_MG_DL


def albumin_g_l(value: float, unit: AlbuminUnit) -> float:
    """Albumin in g/L, the unit of ALBI."""
    return value if unit is AlbuminUnit.G_L else value * ALBUMIN_G_L_PER_G_DL


def albumin_g_dl(value: float, unit: AlbuminUnit) -> float:
    """Albumin in g/dL, the unit of the Child-Pugh table as Pugh printed it."""
    return value if unit is AlbuminUnit.G_DL else value / ALBUMIN_G_L_PER_G_DL


def creatinine_mg_dl(value: float, unit: CreatinineUnit) -> float:
    """Creatinine in mg/dL, the unit of MELD."""
    return value if unit is CreatinineUnit.MG_DL else value / CREATININE_UMOL_PER_MG_DL

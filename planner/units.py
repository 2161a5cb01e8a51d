"""Laboratory units and their conversions.

Clinicians enter values in the unit their laboratory reports; the scores need one unit or the other, and
Child-Pugh is scored in the unit entered (guidelines.md section 1). Conversions are named constants so that a
reviewer can check them against the source (guidelines.md, "Unit conversions").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planner.decimals import decimal_round

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


def rounded(converted: float) -> float:
    """A converted value rounded to `CONVERSION_DIGITS`, as every cut-off reads it."""
    return decimal_round(converted, CONVERSION_DIGITS)


_MG_DL_BILIRUBIN = BilirubinUnit.MG_DL
_UMOL_L_BILIRUBIN = BilirubinUnit.UMOL_L
_G_L = AlbuminUnit.G_L
_G_DL = AlbuminUnit.G_DL
_MG_DL_CREATININE = CreatinineUnit.MG_DL
"""The units as module names: on Python 3.11 reading a member off its enum class goes through the
enum's metaclass `__getattr__` hook, which costs six times a module name, and these are read in
every score (issue 9's budget of 150 µs per plan; 3.12 drops the hook)."""


def bilirubin_mg_dl(value: float, unit: BilirubinUnit) -> float:
    """Bilirubin in mg/dL, the unit of MELD and of the mg/dL Child-Pugh table."""
    return value if unit is _MG_DL_BILIRUBIN else value / BILIRUBIN_UMOL_PER_MG_DL


def bilirubin_umol_l(value: float, unit: BilirubinUnit) -> float:
    """Bilirubin in umol/L, the unit of ALBI and of the SI Child-Pugh table."""
    return value if unit is _UMOL_L_BILIRUBIN else value * BILIRUBIN_UMOL_PER_MG_DL


def albumin_g_l(value: float, unit: AlbuminUnit) -> float:
    """Albumin in g/L, the unit of ALBI."""
    return value if unit is _G_L else value * ALBUMIN_G_L_PER_G_DL


def albumin_g_dl(value: float, unit: AlbuminUnit) -> float:
    """Albumin in g/dL, the unit of the Child-Pugh table as Pugh printed it."""
    return value if unit is _G_DL else value / ALBUMIN_G_L_PER_G_DL


def creatinine_mg_dl(value: float, unit: CreatinineUnit) -> float:
    """Creatinine in mg/dL, the unit of MELD."""
    return value if unit is _MG_DL_CREATININE else value / CREATININE_UMOL_PER_MG_DL


@dataclass(slots=True)
class Labs:
    """Bilirubin and albumin in each unit a score reads them in.

    Worked out once per plan and read by Child-Pugh (under every convention a flag tries), the
    jaundice gate, HAP and ALBI, which each converted the same values before. The rounded values
    (`CONVERSION_DIGITS`) are what a cut-off is compared with; ALBI reads the exact ones, because
    its grade is read from the unrounded score. A correctly rounded `round(x, 4)` costs as much as a
    dozen attribute reads, and a plan needed some ten (issue 9's budget of 150 µs per plan).
    """

    bilirubin_unit: BilirubinUnit
    """The unit the bilirubin was entered in (Child-Pugh scores with that unit's table)."""
    bilirubin_mg_dl: float
    bilirubin_umol_l: float
    albumin_g_dl: float
    albumin_g_l: float
    bilirubin_umol_l_exact: float
    albumin_g_l_exact: float

    @classmethod
    def of(
        cls,
        bilirubin: float,
        bilirubin_unit: BilirubinUnit,
        albumin: float,
        albumin_unit: AlbuminUnit,
    ) -> Labs:
        """The values as entered, converted to every unit and rounded to `CONVERSION_DIGITS`."""
        umol_l = bilirubin_umol_l(bilirubin, bilirubin_unit)
        g_l = albumin_g_l(albumin, albumin_unit)
        digits = CONVERSION_DIGITS  # `rounded`, without its call: this runs for every plan
        return cls(  # by position, in the order of the fields (planner.models says why)
            bilirubin_unit,
            decimal_round(bilirubin_mg_dl(bilirubin, bilirubin_unit), digits),
            decimal_round(umol_l, digits),
            decimal_round(albumin_g_dl(albumin, albumin_unit), digits),
            decimal_round(g_l, digits),
            umol_l,
            g_l,
        )

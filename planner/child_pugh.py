"""Child-Pugh score (Pugh et al., Br J Surg 1973; modern tables: Cleveland Clinic J Med, Harrison's).

Points per item, 1 to 3; class A = 5-6, B = 7-9, C = 10-15 (guidelines.md section 1). Bilirubin is scored in
the unit the clinician entered, with that unit's table, because that is what a clinician reading the lab
report by hand would do; where the two tables disagree the plan flags it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from planner.models import Ascites, ChildPughItems, ChildPughResult, Encephalopathy
from planner.units import (
    CONVERSION_DIGITS,
    AlbuminUnit,
    BilirubinUnit,
    albumin_g_dl,
    bilirubin_mg_dl,
    bilirubin_umol_l,
)


@dataclass(frozen=True)
class Cutoffs:
    """Two thresholds splitting an item into 1, 2 and 3 points.

    `rising` says whether a higher value is worse (bilirubin, INR) or better (albumin). The middle band
    includes both ends, as every table in guidelines.md section 1 prints it.
    """

    low: float
    high: float
    rising: bool = True

    def points(self, value: float) -> int:
        """1, 2 or 3 points for a value."""
        if self.rising:
            return 1 if value < self.low else 2 if value <= self.high else 3
        return 1 if value > self.high else 2 if value >= self.low else 3


BILIRUBIN_MG_DL = Cutoffs(2.0, 3.0)
"""< 2 mg/dL: 1; 2-3: 2; > 3: 3."""
BILIRUBIN_UMOL_L = Cutoffs(34.0, 51.0)
"""< 34 umol/L: 1; 34-51: 2; > 51: 3."""
ALBUMIN_G_DL = Cutoffs(2.8, 3.5, rising=False)
"""> 3.5 g/dL: 1; 2.8-3.5: 2; < 2.8: 3 (Pugh's cut-off, the project's convention)."""
ALBUMIN_G_DL_HARRISON = Cutoffs(3.0, 3.5, rising=False)
"""Harrison's table: 3.0 g/dL instead of 2.8, which changes the score for 2.8-2.99 g/dL."""
INR = Cutoffs(1.7, 2.3)
"""< 1.7: 1; 1.7-2.3: 2; > 2.3: 3."""

ASCITES_POINTS = {Ascites.NONE: 1, Ascites.MILD: 2, Ascites.MODERATE_SEVERE: 3}
ENCEPHALOPATHY_POINTS = {
    Encephalopathy.NONE: 1,
    Encephalopathy.GRADE_1_2: 2,
    Encephalopathy.GRADE_3_4: 3,
}

CLASS_B_FROM = 7
"""Seven points or more is class B, and signals decompensation."""
CLASS_C_FROM = 10
"""Ten points or more is class C."""


def bilirubin_points(value: float, unit: BilirubinUnit) -> int:
    """Bilirubin points with the table of the unit entered."""
    if unit is BilirubinUnit.MG_DL:
        return BILIRUBIN_MG_DL.points(value)
    return BILIRUBIN_UMOL_L.points(value)


def albumin_points(value: float, unit: AlbuminUnit) -> int:
    """Albumin points; the g/L table is the g/dL table times ten, so one table serves both."""
    return ALBUMIN_G_DL.points(round(albumin_g_dl(value, unit), CONVERSION_DIGITS))


def child_pugh_class(points: int) -> Literal["A", "B", "C"]:
    """Class A (5-6), B (7-9) or C (10-15)."""
    if points >= CLASS_C_FROM:
        return "C"
    return "B" if points >= CLASS_B_FROM else "A"


def child_pugh(
    bilirubin: float,
    bilirubin_unit: BilirubinUnit,
    albumin: float,
    albumin_unit: AlbuminUnit,
    inr: float,
    ascites: Ascites,
    encephalopathy: Encephalopathy,
) -> ChildPughResult:
    """Child-Pugh points, item by item, and class."""
    items = ChildPughItems(
        bilirubin=bilirubin_points(bilirubin, bilirubin_unit),
        albumin=albumin_points(albumin, albumin_unit),
        inr=INR.points(inr),
        ascites=ASCITES_POINTS[ascites],
        encephalopathy=ENCEPHALOPATHY_POINTS[encephalopathy],
    )
    points = items.bilirubin + items.albumin + items.inr + items.ascites + items.encephalopathy
    return ChildPughResult(points=points, class_=child_pugh_class(points), items=items)


def child_pugh_flags(
    bilirubin: float, bilirubin_unit: BilirubinUnit, albumin: float, albumin_unit: AlbuminUnit
) -> list[str]:
    """Flags for values whose points depend on which published table is used."""
    flags: list[str] = []
    by_mg = BILIRUBIN_MG_DL.points(
        round(bilirubin_mg_dl(bilirubin, bilirubin_unit), CONVERSION_DIGITS)
    )
    by_si = BILIRUBIN_UMOL_L.points(
        round(bilirubin_umol_l(bilirubin, bilirubin_unit), CONVERSION_DIGITS)
    )
    if by_mg != by_si:
        entered = by_mg if bilirubin_unit is BilirubinUnit.MG_DL else by_si
        other = by_si if bilirubin_unit is BilirubinUnit.MG_DL else by_mg
        other_unit = "umol/L" if bilirubin_unit is BilirubinUnit.MG_DL else "mg/dL"
        flags.append(
            f"Child-Pugh bilirubin: {bilirubin:g} {bilirubin_unit} scores {entered} by the table of "
            f"the unit entered but {other} by the {other_unit} table; scored in the unit entered."
        )
    g_dl = round(albumin_g_dl(albumin, albumin_unit), CONVERSION_DIGITS)
    pugh, harrison = ALBUMIN_G_DL.points(g_dl), ALBUMIN_G_DL_HARRISON.points(g_dl)
    if pugh != harrison:
        flags.append(
            f"Child-Pugh albumin: {albumin:g} {albumin_unit} scores {pugh} with Pugh's 2.8 g/dL "
            f"cut-off but {harrison} with the 3.0 g/dL cut-off of some tables (Harrison's); "
            "scored with Pugh's."
        )
    return flags

"""Child-Pugh score (Pugh et al., Br J Surg 1973; modern tables: Cleveland Clinic J Med, Harrison's).

Points per item, 1 to 3; class A = 5-6, B = 7-9, C = 10-15 (guidelines.md section 1). Bilirubin is scored in
the unit the clinician entered, with that unit's table, because that is what a clinician reading the lab
report by hand would do; where the two tables disagree the plan flags it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from planner.conventions import Disputed, variant
from planner.models import Ascites, ChildPughItems, ChildPughResult, Encephalopathy
from planner.said import said
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.units import (
    AlbuminUnit,
    BilirubinUnit,
    Labs,
    albumin_g_dl,
    bilirubin_mg_dl,
    bilirubin_umol_l,
    rounded,
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
        return banded(value, self.low, self.high, self.rising)


def banded(value: float, low: float, high: float, rising: bool = True) -> int:
    """1, 2 or 3 points; the middle band includes both ends (a cut-off that is a setting uses this)."""
    if rising:
        return 1 if value < low else 2 if value <= high else 3
    return 1 if value > high else 2 if value >= low else 3


BILIRUBIN_MG_DL = Cutoffs(2.0, 3.0)
"""< 2 mg/dL: 1; 2-3: 2; > 3: 3."""
BILIRUBIN_UMOL_L_LOW = 34.0
"""< 34 umol/L: 1; 34-51: 2; > 51: 3 (the upper cut is a setting: some SI tables use 50)."""
BILIRUBIN_SI_HIGH_ALTERNATIVE = 50.0
"""Some SI tables: < 34 / 34-50 / > 50 umol/L (safety-and-course.md section 11)."""
ALBUMIN_G_DL_HIGH = 3.5
"""> 3.5 g/dL: 1; 2.8-3.5: 2; < 2.8: 3 (the lower cut is a setting: Pugh 2.8, Harrison's 3.0)."""
ALBUMIN_LOW_HARRISON_G_DL = 3.0
ALBUMIN_LOW_PUGH_G_DL = 2.8
ALBUMIN_CUT_NAMES = {
    ALBUMIN_LOW_PUGH_G_DL: "pugh",
    ALBUMIN_LOW_HARRISON_G_DL: "harrison",
}
"""Harrison's table: 3.0 g/dL instead of 2.8, which changes the score for 2.8-2.99 g/dL."""
INR = Cutoffs(1.7, 2.3)
"""< 1.7: 1; 1.7-2.3: 2; > 2.3: 3."""

ASCITES_POINTS = {Ascites.NONE: 1, Ascites.MILD: 2, Ascites.MODERATE_SEVERE: 3}
ENCEPHALOPATHY_POINTS = {
    Encephalopathy.NONE: 1,
    Encephalopathy.GRADE_1_2: 2,
    Encephalopathy.GRADE_3_4: 3,
}

_MG_DL = BilirubinUnit.MG_DL
"""A module name for the member (`planner.units` says why: issue 9's budget)."""

CLASS_B_FROM = 7
"""Seven points or more is class B, and signals decompensation."""
CLASS_C_FROM = 10
"""Ten points or more is class C."""


def bilirubin_points(
    value: float, unit: BilirubinUnit, settings: ProtocolSettings = DEFAULT_SETTINGS
) -> int:
    """Bilirubin points with the table of the unit entered (or the table the settings name)."""
    return _bilirubin_points(
        unit,
        rounded(bilirubin_mg_dl(value, unit)),
        rounded(bilirubin_umol_l(value, unit)),
        settings.child_pugh_bilirubin_table,
        settings.child_pugh_bilirubin_high_umol_l,
    )


def _bilirubin_points(
    entered: BilirubinUnit, mg_dl: float, umol_l: float, table: str, si_high: float
) -> int:
    """Points from the bilirubin converted (and rounded) to both units, by the table named."""
    if table == "entered":
        table = "mg_dl" if entered is _MG_DL else "umol_l"
    if table == "mg_dl":
        return BILIRUBIN_MG_DL.points(mg_dl)
    return banded(umol_l, BILIRUBIN_UMOL_L_LOW, si_high)


def albumin_points(
    value: float, unit: AlbuminUnit, settings: ProtocolSettings = DEFAULT_SETTINGS
) -> int:
    """Albumin points; the g/L table is the g/dL table times ten, so one table serves both."""
    return _albumin_points(
        rounded(albumin_g_dl(value, unit)), settings.child_pugh_albumin_low_g_dl
    )


def _albumin_points(g_dl: float, low_g_dl: float) -> int:
    return banded(g_dl, low_g_dl, ALBUMIN_G_DL_HIGH, rising=False)


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
    settings: ProtocolSettings = DEFAULT_SETTINGS,
) -> ChildPughResult:
    """Child-Pugh points, item by item, and class."""
    return scored(
        Labs.of(bilirubin, bilirubin_unit, albumin, albumin_unit),
        inr,
        ascites,
        encephalopathy,
        settings,
    )


def scored(
    labs: Labs,
    inr: float,
    ascites: Ascites,
    encephalopathy: Encephalopathy,
    settings: ProtocolSettings = DEFAULT_SETTINGS,
) -> ChildPughResult:
    """`child_pugh` from the labs already converted (the planner converts them once per plan)."""
    bilirubin = _bilirubin_points(
        labs.bilirubin_unit,
        labs.bilirubin_mg_dl,
        labs.bilirubin_umol_l,
        settings.child_pugh_bilirubin_table,
        settings.child_pugh_bilirubin_high_umol_l,
    )
    albumin = _albumin_points(labs.albumin_g_dl, settings.child_pugh_albumin_low_g_dl)
    inr_points = INR.points(inr)
    ascites_points = ASCITES_POINTS[ascites]
    encephalopathy_points = ENCEPHALOPATHY_POINTS[encephalopathy]
    points = bilirubin + albumin + inr_points + ascites_points + encephalopathy_points
    # By position, in the order of the fields (planner.models says why).
    items = ChildPughItems(bilirubin, albumin, inr_points, ascites_points, encephalopathy_points)
    return ChildPughResult(points, child_pugh_class(points), items)


def child_pugh_flags(
    bilirubin: float,
    bilirubin_unit: BilirubinUnit,
    albumin: float,
    albumin_unit: AlbuminUnit,
    settings: ProtocolSettings = DEFAULT_SETTINGS,
    *,
    scored: ChildPughItems | None = None,
    labs: Labs | None = None,
) -> list[Disputed]:
    """Values whose points depend on which published table is used, each with the other convention.

    `scored`: the items `child_pugh` gave for these values under `settings`, and `labs`: the values
    converted, when the caller has them (the planner does), so that nothing is worked out twice. The
    other convention's settings are built only for a value that is flagged: this runs on every plan.
    """
    if labs is None:
        labs = Labs.of(bilirubin, bilirubin_unit, albumin, albumin_unit)
    mg_dl, umol_l = labs.bilirubin_mg_dl, labs.bilirubin_umol_l
    flags: list[Disputed] = []
    si_high = settings.child_pugh_bilirubin_high_umol_l
    used = (
        scored.bilirubin
        if scored is not None
        else _bilirubin_points(
            bilirubin_unit, mg_dl, umol_l, settings.child_pugh_bilirubin_table, si_high
        )
    )
    other_table = "umol_l" if bilirubin_unit is _MG_DL else "mg_dl"
    by_other = _bilirubin_points(bilirubin_unit, mg_dl, umol_l, other_table, si_high)
    if by_other != used:
        other_unit = "umol/L" if other_table == "umol_l" else "mg/dL"
        flags.append(
            Disputed(
                said(
                    "flag.child_pugh_bilirubin_unit",
                    value=bilirubin,
                    unit=bilirubin_unit.value,
                    used=used,
                    other=by_other,
                    other_unit=other_unit,
                ),
                variant(settings, child_pugh_bilirubin_table=other_table),
            )
        )
    by_si_50 = _bilirubin_points(
        bilirubin_unit, mg_dl, umol_l, "umol_l", BILIRUBIN_SI_HIGH_ALTERNATIVE
    )
    if by_si_50 != used and by_si_50 != by_other:
        si = round(labs.bilirubin_umol_l_exact, 1)
        flags.append(
            Disputed(
                said("flag.child_pugh_bilirubin_si", value=si, used=used, other=by_si_50),
                variant(
                    settings,
                    child_pugh_bilirubin_table="umol_l",
                    child_pugh_bilirubin_high_umol_l=BILIRUBIN_SI_HIGH_ALTERNATIVE,
                ),
            )
        )
    used_cut = settings.child_pugh_albumin_low_g_dl
    other_cut = (
        ALBUMIN_LOW_PUGH_G_DL
        if used_cut == ALBUMIN_LOW_HARRISON_G_DL
        else ALBUMIN_LOW_HARRISON_G_DL
    )
    by_used = (
        scored.albumin if scored is not None else _albumin_points(labs.albumin_g_dl, used_cut)
    )
    by_other_cut = _albumin_points(labs.albumin_g_dl, other_cut)
    if by_used != by_other_cut:
        flags.append(
            Disputed(
                said(
                    f"flag.child_pugh_albumin.{ALBUMIN_CUT_NAMES[other_cut]}",
                    value=albumin,
                    unit=albumin_unit.value,
                    used=by_used,
                    used_cut=f"{used_cut:.1f}",
                    other=by_other_cut,
                    other_cut=f"{other_cut:.1f}",
                ),
                variant(settings, child_pugh_albumin_low_g_dl=other_cut),
            )
        )
    return flags

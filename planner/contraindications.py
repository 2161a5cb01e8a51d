"""Contraindications to TACE and the cautions beside them (guidelines.md section 6, protocol.md D.1).

The project's default is the Chinese list, because the founding protocol comes from that practice; the
European (EASL 2018) differences are shown as cautions so that a clinician sees where the answer would
change under the other guideline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.models import Case, ChildPughResult, Pvtt
from planner.units import CONVERSION_DIGITS, CreatinineUnit, bilirubin_mg_dl, creatinine_mg_dl

CHILD_PUGH_C = "child_pugh_c"
ECOG_3_4 = "ecog_3_4"
MAIN_TRUNK_PVTT = "main_trunk_pvtt_without_collaterals"
RENAL = "renal_insufficiency"

CONTRAINDICATION_TEXT = {
    CHILD_PUGH_C: "Child-Pugh C",
    ECOG_3_4: "ECOG 3-4",
    MAIN_TRUNK_PVTT: "main-trunk portal vein thrombus without collateral flow",
    RENAL: "renal insufficiency (creatinine above 2 mg/dL or dialysis)",
}

ECOG_CONTRAINDICATED_FROM = 3
CREATININE_LIMIT: dict[CreatinineUnit, float] = {
    CreatinineUnit.MG_DL: 2.0,
    CreatinineUnit.UMOL_L: 177.0,
}
"""China: creatinine above 2 mg/dL ("about 177 umol/L"), compared in the unit entered."""
EASL_CREATININE_FROM_MG_DL = 2.0
"""EASL 2018: creatinine >= 2 mg/dL is an absolute contraindication."""
EASL_CHILD_PUGH_B_FROM = 8
"""EASL 2018: Child-Pugh B >= 8 with jaundice, encephalopathy, refractory ascites or HRS."""
EASL_ECOG_MAX = 0
"""EASL/BCLC reserve TACE for ECOG 0; China accepts 0-2."""
EASL_TUMOUR_RELATIVE_CM = 10.0
"""EASL 2018: a tumour above 10 cm is a relative contraindication."""
BILIRUBIN_CAUTION_MG_DL = 3.0
"""Bilirubin above 3 mg/dL: TACE widely not advised outside transplant bridging."""
WBC_LOW = 3.0
PLATELETS_LOW = 50.0
"""White cells < 3.0 and platelets < 50 x10^9/L together: relative (not for hypersplenism)."""


@dataclass
class Assessment:
    """Absolute contraindications (each ends in `no_tace`), cautions and what was assumed."""

    contraindications: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def assess(case: Case, child_pugh: ChildPughResult) -> Assessment:
    """Check the absolute contraindications in protocol order, and collect the cautions."""
    out = Assessment()
    liver, tumour = case.liver, case.tumour
    if child_pugh.class_ == "C":
        out.contraindications.append(CHILD_PUGH_C)
    if case.ecog >= ECOG_CONTRAINDICATED_FROM:
        out.contraindications.append(ECOG_3_4)
    if tumour.pvtt is Pvtt.VP4 and not tumour.pvtt_collaterals:
        out.contraindications.append(MAIN_TRUNK_PVTT)
        if tumour.pvtt_collaterals is None:
            out.missing.append("tumour.pvtt_collaterals")
            out.notes.append(
                "Collateral flow around the main-trunk thrombus was not stated: taken as absent."
            )
    creatinine = liver.creatinine
    if liver.dialysis or (
        creatinine is not None and creatinine.value > CREATININE_LIMIT[creatinine.unit]
    ):
        out.contraindications.append(RENAL)
    elif creatinine is not None:
        mg_dl = creatinine_mg_dl(creatinine.value, creatinine.unit)
        if round(mg_dl, CONVERSION_DIGITS) >= EASL_CREATININE_FROM_MG_DL:
            out.cautions.append(
                f"Creatinine {creatinine.value:g} {creatinine.unit} is at the Chinese limit (above "
                "2 mg/dL contraindicates) but EASL 2018 contraindicates TACE from 2 mg/dL."
            )
    _european_cautions(case, child_pugh, out)
    _relative_cautions(case, out)
    return out


def _european_cautions(case: Case, child_pugh: ChildPughResult, out: Assessment) -> None:
    """EASL 2018 differences from the Chinese list, as cautions."""
    if child_pugh.class_ == "B" and child_pugh.points >= EASL_CHILD_PUGH_B_FROM:
        out.cautions.append(
            f"Child-Pugh B{child_pugh.points}: EASL 2018 contraindicates TACE in Child-Pugh B >= 8 "
            "with jaundice, clinical encephalopathy, refractory ascites or hepatorenal syndrome."
        )
    if EASL_ECOG_MAX < case.ecog < ECOG_CONTRAINDICATED_FROM:
        out.cautions.append(
            f"ECOG {case.ecog}: China accepts ECOG 0-2 for TACE; EASL and BCLC reserve it for ECOG 0."
        )
    if case.tumour.largest_cm > EASL_TUMOUR_RELATIVE_CM:
        out.cautions.append(
            f"Tumour {case.tumour.largest_cm:g} cm: above 10 cm is a relative contraindication "
            "(EASL 2018); staged embolisation if liver function allows."
        )
    if case.tumour.pvtt in (Pvtt.VP1, Pvtt.VP2, Pvtt.VP3) or (
        case.tumour.pvtt is Pvtt.VP4 and case.tumour.pvtt_collaterals
    ):
        out.cautions.append(
            f"Portal vein thrombus {case.tumour.pvtt.upper()}: EASL 2018 counts impaired portal flow "
            "as a contraindication; the Chinese guideline allows TACE (CNLC IIIa) with "
            "selective technique."
        )


def _relative_cautions(case: Case, out: Assessment) -> None:
    """Relative contraindications of the Chinese list and the bilirubin cut-off."""
    liver = case.liver
    bili = bilirubin_mg_dl(liver.bilirubin.value, liver.bilirubin.unit)
    if round(bili, CONVERSION_DIGITS) > BILIRUBIN_CAUTION_MG_DL:
        out.cautions.append(
            f"Bilirubin {liver.bilirubin.value:g} {liver.bilirubin.unit} is above 3 mg/dL: TACE is "
            "widely not advised outside transplant bridging."
        )
    if liver.wbc is None or liver.platelets is None:
        out.notes.append(
            "Blood count not given: the relative contraindication (white cells < 3.0 with "
            "platelets < 50 x10^9/L) was not checked."
        )
    elif liver.wbc < WBC_LOW and liver.platelets < PLATELETS_LOW:
        out.cautions.append(
            f"White cells {liver.wbc:g} and platelets {liver.platelets:g} x10^9/L: relative "
            "contraindication (China), unless due to hypersplenism."
        )

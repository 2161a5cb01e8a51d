"""Contraindications to TACE, what to correct first, and the cautions beside them.

Sources: guidelines.md section 6, protocol.md D step 1, safety-and-course.md sections 1-3. The project's
default is the Chinese list, because the founding protocol comes from that practice; the European (EASL 2018)
differences are shown as cautions so that a clinician sees where the answer would change under the other
guideline. Every patient-level contraindication that applies is listed, in the order of the table in
safety-and-course.md section 1 (after Child-Pugh C and ECOG 3-4 of the first version).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner import renal
from planner.models import (
    Ascites,
    Case,
    ChildPughResult,
    Encephalopathy,
    Pvtt,
    PvttOcclusion,
    TumourType,
)
from planner.units import (
    CONVERSION_DIGITS,
    BilirubinUnit,
    CreatinineUnit,
    bilirubin_mg_dl,
    creatinine_mg_dl,
)

CHILD_PUGH_C = "child_pugh_c"
ECOG_3_4 = "ecog_3_4"
JAUNDICE = "jaundice"
OVERT_ENCEPHALOPATHY = "overt_encephalopathy"
REFRACTORY_ASCITES = "refractory_ascites"
INFILTRATIVE = "infiltrative_tumour"
MAIN_TRUNK_PVTT = "main_trunk_pvtt_without_collaterals"
RENAL = "renal_insufficiency"
TACE_REFRACTORY = "tace_refractory"
ART_SCORE_HIGH = "art_score_high"

ORDER = (
    CHILD_PUGH_C,
    ECOG_3_4,
    JAUNDICE,
    OVERT_ENCEPHALOPATHY,
    REFRACTORY_ASCITES,
    INFILTRATIVE,
    MAIN_TRUNK_PVTT,
    RENAL,
    TACE_REFRACTORY,
    ART_SCORE_HIGH,
)
"""The order contraindications are listed in (safety-and-course.md section 1)."""

CONTRAINDICATION_TEXT = {
    CHILD_PUGH_C: "Child-Pugh C: end-stage liver function (Chinese guideline; EASL 2018).",
    ECOG_3_4: "ECOG 3-4: performance status too poor for TACE (Chinese guideline accepts 0-2).",
    JAUNDICE: "Jaundice, bilirubin above 3 mg/dL: rule out biliary obstruction (drain, then "
    "reassess); TACE to bridge a listed patient to transplant is the transplant team's decision "
    "(Chinese guideline; EASL 2018).",
    OVERT_ENCEPHALOPATHY: "Overt hepatic encephalopathy, grade 3-4 (Chinese guideline; EASL 2018).",
    REFRACTORY_ASCITES: "Moderate to severe (poorly controlled) ascites (Chinese guideline; EASL 2018).",
    INFILTRATIVE: "Infiltrative or diffuse tumour: systemic therapy rather than TACE (BCLC 2022; Kudo "
    "2020).",
    MAIN_TRUNK_PVTT: "Main portal trunk thrombus (Vp4) without collateral flow, completely occluded or "
    "occlusion not stated (Chinese guideline).",
    RENAL: "Renal insufficiency: creatinine above 2 mg/dL (about 177 umol/L), dialysis, or creatinine "
    "clearance below 30 mL/min (Chinese guideline; EASL 2018).",
    TACE_REFRACTORY: "TACE-refractory: switch to systemic therapy (JSH-LCSGJ 2014).",
    ART_SCORE_HIGH: "ART score 2.5 or more before the second TACE: no benefit expected from another "
    "TACE (Sieghart et al., Hepatology 2013).",
}

ECOG_CONTRAINDICATED_FROM = 3
JAUNDICE_ABOVE_MG_DL = 3.0
"""Bilirubin above 3 mg/dL (51.3 umol/L), compared in mg/dL (safety-and-course.md section 1)."""
BILIRUBIN_CAUTION_ABOVE_MG_DL = 2.0
"""Bilirubin above 2 mg/dL: a risk factor for death after TACE (SIR QI guideline, Brown et al., JVIR 2012)."""
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
WBC_LOW = 3.0
PLATELETS_LOW = 50.0
"""White cells < 3.0 and platelets < 50 x10^9/L together: relative (not for hypersplenism)."""
INR_CORRECT_ABOVE = 1.8
"""Femoral arterial access with INR above 1.8: correct first (SIR consensus, Patel et al., JVIR 2019)."""
PLATELETS_CORRECT_BELOW = 50.0
"""Platelets below 50 x10^9/L: transfuse first (SIR 2019 high-risk threshold; Italian TACE protocol)."""
MELD_TRANSPLANT_FROM = 15
"""MELD 15 or more: survival benefit of transplant (Merion et al., Am J Transplant 2005)."""


@dataclass
class Assessment:
    """Contraindications (each ends in `no_tace`), values to correct, cautions, notes and gaps."""

    contraindications: list[str] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)
    """What this patient has that makes each contraindication, with the values ("bilirubin 3.2 mg/dL")."""
    before_procedure: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    """Cautions about doing TACE: shown unless TACE is ruled out."""
    general_cautions: list[str] = field(default_factory=list)
    """Cautions that hold whatever the decision (transplant evaluation)."""
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_if_intervening: list[str] = field(default_factory=list)
    """Inputs that matter only when the plan intervenes (sex and weight for the clearance)."""
    crcl: float | None = None
    egfr: float | None = None

    def gate(self, name: str, found: str) -> None:
        """Record a contraindication and what in this patient makes it."""
        if name not in self.found:
            self.contraindications.append(name)
            self.found[name] = found


def ordered(names: list[str]) -> list[str]:
    """Contraindications in the documented order, each once."""
    return sorted(dict.fromkeys(names), key=ORDER.index)


def assess(case: Case, child_pugh: ChildPughResult, meld: int | None) -> Assessment:
    """Check the patient-level contraindications and collect what to correct and the cautions."""
    out = Assessment()
    liver, tumour = case.liver, case.tumour
    if child_pugh.class_ == "C":
        out.gate(CHILD_PUGH_C, f"Child-Pugh C{child_pugh.points}")
    if case.ecog >= ECOG_CONTRAINDICATED_FROM:
        out.gate(ECOG_3_4, f"ECOG {case.ecog}")
    bilirubin = round(
        bilirubin_mg_dl(liver.bilirubin.value, liver.bilirubin.unit), CONVERSION_DIGITS
    )
    if bilirubin > JAUNDICE_ABOVE_MG_DL:
        entered = f"bilirubin {liver.bilirubin.value:g} {liver.bilirubin.unit}"
        if liver.bilirubin.unit is not BilirubinUnit.MG_DL:
            entered += f" ({bilirubin:.1f} mg/dL)"
        out.gate(JAUNDICE, entered)
    elif bilirubin > BILIRUBIN_CAUTION_ABOVE_MG_DL:
        out.cautions.append(
            f"Bilirubin {liver.bilirubin.value:g} {liver.bilirubin.unit} (2-3 mg/dL): bilirubin "
            "above 2 mg/dL is a risk factor for death after TACE (SIR, Brown et al., JVIR 2012)."
        )
    if liver.encephalopathy is Encephalopathy.GRADE_3_4:
        out.gate(OVERT_ENCEPHALOPATHY, "encephalopathy grade 3-4")
    elif liver.encephalopathy is Encephalopathy.GRADE_1_2:
        out.cautions.append("Encephalopathy grade 1-2: control it before TACE (EASL 2018).")
    if liver.ascites is Ascites.MODERATE_SEVERE:
        out.gate(REFRACTORY_ASCITES, "moderate to severe ascites")
    elif liver.ascites is Ascites.MILD:
        out.cautions.append("Mild ascites: control it before TACE (EASL 2018).")
    if tumour.infiltrative:
        out.gate(INFILTRATIVE, "infiltrative tumour")
    _main_trunk(case, out)
    _renal(case, out)
    _european_cautions(case, child_pugh, out)
    _relative_cautions(case, meld, out)
    _correct_first(case, out)
    return out


def _main_trunk(case: Case, out: Assessment) -> None:
    """Vp4: contraindicated without collaterals unless the occlusion is partial (Chinese guideline)."""
    tumour = case.tumour
    if tumour.pvtt is not Pvtt.VP4 or tumour.pvtt_collaterals:
        return
    if tumour.pvtt_collaterals is None:
        out.missing.append("tumour.pvtt_collaterals")
        out.notes.append(
            "Collateral flow around the main-trunk thrombus was not stated: taken as absent."
        )
    if tumour.pvtt_occlusion is PvttOcclusion.PARTIAL:
        out.cautions.append(
            "Main-trunk thrombus with partial occlusion and no collaterals: not a contraindication "
            "(Chinese guideline lists partial obstruction among the indications); small doses, "
            "super-selective technique."
        )
        return
    if tumour.pvtt_occlusion is None:
        out.missing.append("tumour.pvtt_occlusion")
        out.notes.append(
            "Occlusion of the main trunk not stated: taken as complete; a partial occlusion would "
            "allow TACE with small doses, super-selectively."
        )
    collaterals = "not stated" if tumour.pvtt_collaterals is None else "none"
    occlusion = "complete" if tumour.pvtt_occlusion else "not stated"
    out.gate(MAIN_TRUNK_PVTT, f"Vp4, collaterals {collaterals}, occlusion {occlusion}")


def _renal(case: Case, out: Assessment) -> None:
    """Creatinine, dialysis and, with sex and weight, the Cockcroft-Gault clearance."""
    liver = case.liver
    creatinine = liver.creatinine
    found = []
    if liver.dialysis:
        found.append("on dialysis")
    if creatinine is not None and creatinine.value > CREATININE_LIMIT[creatinine.unit]:
        found.append(f"creatinine {creatinine.value:g} {creatinine.unit}")
    if creatinine is not None:
        mg_dl = creatinine_mg_dl(creatinine.value, creatinine.unit)
        if case.sex is not None:
            out.egfr = renal.ckd_epi_2021(case.age, mg_dl, case.sex)
        if case.sex is not None and case.weight_kg is not None:
            out.crcl = renal.cockcroft_gault(case.age, case.weight_kg, mg_dl, case.sex)
            if out.crcl < renal.CLEARANCE_LIMIT_ML_MIN:
                found.append(
                    f"creatinine clearance {out.crcl:g} mL/min (Cockcroft-Gault, actual weight "
                    f"{case.weight_kg:g} kg)"
                )
        else:
            out.missing_if_intervening += [
                key
                for key, value in (("sex", case.sex), ("weight_kg", case.weight_kg))
                if value is None
            ]
        _renal_note(case, out)
        if not found and round(mg_dl, CONVERSION_DIGITS) >= EASL_CREATININE_FROM_MG_DL:
            out.cautions.append(
                f"Creatinine {creatinine.value:g} {creatinine.unit} is at the Chinese limit (above "
                "2 mg/dL contraindicates) but EASL 2018 contraindicates TACE from 2 mg/dL: under "
                "EASL, no TACE."
            )
    if found:
        out.gate(RENAL, "; ".join(found))


def _renal_note(case: Case, out: Assessment) -> None:
    """The estimates shown, with the caveat that both overestimate kidney function in cirrhosis."""
    shown = []
    if out.crcl is not None:
        shown.append(
            f"Creatinine clearance {out.crcl:g} mL/min (Cockcroft-Gault, actual weight "
            f"{case.weight_kg:g} kg)"
        )
    if out.egfr is not None:
        shown.append(f"eGFR {out.egfr:g} mL/min/1.73 m2 (CKD-EPI 2021, for information)")
    if shown:
        subject = "both overestimate" if len(shown) == 2 else "it overestimates"
        out.notes.append(
            "; ".join(shown) + f": {subject} kidney function in cirrhosis and sarcopenia."
        )


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
            f"Portal vein thrombus {case.tumour.pvtt.capitalize()}: EASL 2018 counts impaired portal flow "
            "as a contraindication; the Chinese guideline allows TACE (CNLC IIIa) with "
            "selective technique."
        )


def _relative_cautions(case: Case, meld: int | None, out: Assessment) -> None:
    """Relative contraindications of the Chinese list and the cautions of safety-and-course.md 3."""
    liver, tumour = case.liver, case.tumour
    if liver.wbc is None or liver.platelets is None:
        out.notes.append(
            "Blood count not given: the relative contraindication (white cells < 3.0 with "
            "platelets < 50 x10^9/L) was not checked."
        )
    elif liver.wbc < WBC_LOW and liver.platelets < PLATELETS_LOW:
        out.cautions.append(
            f"White cells {liver.wbc:g} and platelets {liver.platelets:g} x10^9/L: relative "
            "contraindication (China) unless due to hypersplenism; exclude marrow suppression."
        )
    if tumour.extrahepatic:
        out.cautions.append(
            "Extrahepatic spread: TACE at most controls the disease in the liver; systemic therapy "
            "comes first (BCLC C, CNLC IIIb)."
        )
    if meld is not None and meld >= MELD_TRANSPLANT_FROM and tumour.type is TumourType.HCC:
        out.general_cautions.append(
            f"MELD {meld}: 15 or more, refer for transplant evaluation (Merion et al., Am J "
            "Transplant 2005)."
        )
    if tumour.burden_ge_70pct:
        out.cautions.append(
            "Tumour occupies 70 % or more of the liver: relative contraindication; staged "
            "embolization only if liver function is near normal (Chinese guideline)."
        )


def _correct_first(case: Case, out: Assessment) -> None:
    """Values that can be corrected before the procedure; the decision stands (section 2)."""
    liver = case.liver
    if liver.inr > INR_CORRECT_ABOVE:
        out.before_procedure.append(
            f"INR {liver.inr:g}: correct it to 1.8 or less before femoral arterial access (SIR "
            "2019; radial access tolerates up to 2.2)."
        )
    if liver.platelets is not None and liver.platelets < PLATELETS_CORRECT_BELOW:
        out.before_procedure.append(
            f"Platelets {liver.platelets:g} x10^9/L: consider platelet transfusion to 50 or more "
            "(SIR 2019)."
        )

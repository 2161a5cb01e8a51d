"""Contraindications to TACE, what to correct first, and the cautions beside them.

Sources: guidelines.md section 6, protocol.md D step 1, safety-and-course.md sections 1-3. The project's
default is the Chinese list, because the founding protocol comes from that practice; the European (EASL 2018)
differences are shown as cautions so that a clinician sees where the answer would change under the other
guideline. Every patient-level contraindication that applies is listed, in the order of the table in
safety-and-course.md section 1 (after Child-Pugh C and ECOG 3-4 of the first version).
"""

from __future__ import annotations

from planner import renal
from planner.models import (
    ASCITES_MILD,
    ASCITES_MODERATE_SEVERE,
    ENCEPHALOPATHY_1_2,
    ENCEPHALOPATHY_3_4,
    HCC,
    VP4,
    Case,
    ChildPughResult,
    Pvtt,
    PvttOcclusion,
)
from planner.said import Said, joined, said
from planner.units import (
    BilirubinUnit,
    CreatinineUnit,
    Labs,
    creatinine_mg_dl,
    rounded,
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
"""The order contraindications are listed in (safety-and-course.md section 1); each is worded, with
its sources, in `lang.plan_words` under `contraindication.<id>`."""

ECOG_CONTRAINDICATED_FROM = 3
JAUNDICE_ABOVE_MG_DL = 3.0
"""Bilirubin above 3 mg/dL (51.3 umol/L), compared in mg/dL (safety-and-course.md section 1)."""
BILIRUBIN_CAUTION_ABOVE_MG_DL = 2.0
"""Bilirubin above 2 mg/dL: a risk factor for death after TACE (SIR QI guideline, Brown et al., JVIR 2012)."""
_BRANCH_PVTT = frozenset({Pvtt.VP1, Pvtt.VP2, Pvtt.VP3})
"""A thrombus in a branch (Vp1-3): a relative contraindication in EASL 2018."""
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


class Assessment:
    """Contraindications (each ends in `no_tace`), values to correct, cautions, notes and gaps.

    A plain class that starts empty rather than a dataclass of default factories, whose generated
    `__init__` calls a factory per field (issue 9's budget of 150 µs per plan).
    """

    __slots__ = (
        "before_procedure",
        "cautions",
        "contraindications",
        "crcl",
        "egfr",
        "found",
        "general_cautions",
        "missing",
        "missing_if_intervening",
        "notes",
    )
    contraindications: list[str]
    found: dict[str, Said]
    """What this patient has that makes each contraindication, with the values ("bilirubin 3.2 mg/dL")."""
    before_procedure: list[Said]
    cautions: list[Said]
    """Cautions about doing TACE: shown unless TACE is ruled out."""
    general_cautions: list[Said]
    """Cautions that hold whatever the decision (transplant evaluation)."""
    notes: list[Said]
    missing: list[str]
    missing_if_intervening: list[str]
    """Inputs that matter only when the plan intervenes (sex and weight for the clearance)."""
    crcl: float | None
    egfr: float | None

    def __init__(self) -> None:
        self.contraindications = []
        self.found = {}
        self.before_procedure = []
        self.cautions = []
        self.general_cautions = []
        self.notes = []
        self.missing = []
        self.missing_if_intervening = []
        self.crcl = None
        self.egfr = None

    def gate(self, name: str, found: Said) -> None:
        """Record a contraindication and what in this patient makes it."""
        if name not in self.found:
            self.contraindications.append(name)
            self.found[name] = found


def ordered(names: list[str]) -> list[str]:
    """Contraindications in the documented order, each once."""
    return sorted(dict.fromkeys(names), key=ORDER.index)


def assess(
    case: Case, child_pugh: ChildPughResult, meld: int | None, labs: Labs | None = None
) -> Assessment:
    """Check the patient-level contraindications and collect what to correct and the cautions.

    `labs`: the case's bilirubin and albumin converted, when the caller has them (the planner does).
    """
    out = Assessment()
    liver, tumour = case.liver, case.tumour
    if labs is None:
        labs = liver.labs()
    if child_pugh.class_ == "C":
        out.gate(CHILD_PUGH_C, said("found.child_pugh", grade="C", points=child_pugh.points))
    if case.ecog >= ECOG_CONTRAINDICATED_FROM:
        out.gate(ECOG_3_4, said("found.ecog", ecog=case.ecog))
    bilirubin = labs.bilirubin_mg_dl
    if bilirubin > JAUNDICE_ABOVE_MG_DL:
        value, unit = liver.bilirubin.value, liver.bilirubin.unit.value
        if liver.bilirubin.unit is BilirubinUnit.MG_DL:
            out.gate(JAUNDICE, said("found.bilirubin", value=value, unit=unit))
        else:
            out.gate(JAUNDICE, said("found.bilirubin_converted", value=value, unit=unit,
                                    mg_dl=f"{bilirubin:.1f}"))  # fmt: skip
    elif bilirubin > BILIRUBIN_CAUTION_ABOVE_MG_DL:
        out.cautions.append(
            said("caution.bilirubin", value=liver.bilirubin.value, unit=liver.bilirubin.unit.value)
        )
    if liver.encephalopathy is ENCEPHALOPATHY_3_4:
        out.gate(OVERT_ENCEPHALOPATHY, said("found.encephalopathy"))
    elif liver.encephalopathy is ENCEPHALOPATHY_1_2:
        out.cautions.append(said("caution.encephalopathy"))
    if liver.ascites is ASCITES_MODERATE_SEVERE:
        out.gate(REFRACTORY_ASCITES, said("found.ascites"))
    elif liver.ascites is ASCITES_MILD:
        out.cautions.append(said("caution.ascites"))
    if tumour.infiltrative:
        out.gate(INFILTRATIVE, said("found.infiltrative"))
    _main_trunk(case, out)
    _renal(case, out)
    _european_cautions(case, child_pugh, out)
    _relative_cautions(case, meld, out)
    _correct_first(case, out)
    return out


def _main_trunk(case: Case, out: Assessment) -> None:
    """Vp4: contraindicated without collaterals unless the occlusion is partial (Chinese guideline)."""
    tumour = case.tumour
    if tumour.pvtt is not VP4 or tumour.pvtt_collaterals:
        return
    if tumour.pvtt_collaterals is None:
        out.missing.append("tumour.pvtt_collaterals")
        out.notes.append(said("note.collaterals_not_stated"))
    if tumour.pvtt_occlusion is PvttOcclusion.PARTIAL:
        out.cautions.append(said("caution.vp4_partial"))
        return
    if tumour.pvtt_occlusion is None:
        out.missing.append("tumour.pvtt_occlusion")
        out.notes.append(said("note.occlusion_not_stated"))
    collaterals = "unstated" if tumour.pvtt_collaterals is None else "none"
    occlusion = "complete" if tumour.pvtt_occlusion else "unstated"
    out.gate(MAIN_TRUNK_PVTT, said(f"found.vp4.collaterals_{collaterals}.occlusion_{occlusion}"))


def _renal(case: Case, out: Assessment) -> None:
    """Creatinine, dialysis and, with sex and weight, the Cockcroft-Gault clearance."""
    liver = case.liver
    creatinine = liver.creatinine
    found: list[Said] = []
    if liver.dialysis:
        found.append(said("found.dialysis"))
    if creatinine is not None and creatinine.value > CREATININE_LIMIT[creatinine.unit]:
        found.append(said("found.creatinine", value=creatinine.value, unit=creatinine.unit.value))
    if creatinine is not None:
        mg_dl = creatinine_mg_dl(creatinine.value, creatinine.unit)
        if case.sex is not None:
            out.egfr = renal.ckd_epi_2021(case.age, mg_dl, case.sex)
        if case.sex is not None and case.weight_kg is not None:
            out.crcl = renal.cockcroft_gault(case.age, case.weight_kg, mg_dl, case.sex)
            if out.crcl < renal.CLEARANCE_LIMIT_ML_MIN:
                found.append(said("found.clearance", crcl=out.crcl, weight=case.weight_kg))
        else:
            out.missing_if_intervening += [
                key
                for key, value in (("sex", case.sex), ("weight_kg", case.weight_kg))
                if value is None
            ]
        _renal_note(case, out)
        if not found and rounded(mg_dl) >= EASL_CREATININE_FROM_MG_DL:
            out.cautions.append(
                said("caution.creatinine_easl", value=creatinine.value, unit=creatinine.unit.value)
            )
    if found:
        out.gate(RENAL, joined("semicolon", found) if len(found) > 1 else found[0])


def _renal_note(case: Case, out: Assessment) -> None:
    """The estimates shown, with the caveat that both overestimate kidney function in cirrhosis."""
    if out.crcl is not None and out.egfr is not None:
        out.notes.append(
            said("note.renal.both", crcl=out.crcl, weight=case.weight_kg, egfr=out.egfr)
        )
    elif out.crcl is not None:
        out.notes.append(said("note.renal.crcl", crcl=out.crcl, weight=case.weight_kg))
    elif out.egfr is not None:
        out.notes.append(said("note.renal.egfr", egfr=out.egfr))


def _european_cautions(case: Case, child_pugh: ChildPughResult, out: Assessment) -> None:
    """EASL 2018 differences from the Chinese list, as cautions."""
    if child_pugh.class_ == "B" and child_pugh.points >= EASL_CHILD_PUGH_B_FROM:
        out.cautions.append(said("caution.child_pugh_b_easl", points=child_pugh.points))
    if EASL_ECOG_MAX < case.ecog < ECOG_CONTRAINDICATED_FROM:
        out.cautions.append(said("caution.ecog_easl", ecog=case.ecog))
    if case.tumour.largest_cm > EASL_TUMOUR_RELATIVE_CM:
        out.cautions.append(said("caution.large_tumour", largest=case.tumour.largest_cm))
    if case.tumour.pvtt in _BRANCH_PVTT or (
        case.tumour.pvtt is VP4 and case.tumour.pvtt_collaterals
    ):
        out.cautions.append(said("caution.pvtt_easl", grade=case.tumour.pvtt.capitalize()))


def _relative_cautions(case: Case, meld: int | None, out: Assessment) -> None:
    """Relative contraindications of the Chinese list and the cautions of safety-and-course.md 3."""
    liver, tumour = case.liver, case.tumour
    wbc, platelets = liver.wbc, liver.platelets
    if wbc is not None and platelets is not None:
        if wbc < WBC_LOW and platelets < PLATELETS_LOW:
            out.cautions.append(said("caution.cytopenia", wbc=wbc, platelets=platelets))
    else:
        unchecked = _blood_count_unchecked(wbc, platelets)
        if unchecked is not None:
            out.notes.append(unchecked)
    if tumour.extrahepatic:
        out.cautions.append(said("caution.extrahepatic"))
    if meld is not None and meld >= MELD_TRANSPLANT_FROM and tumour.type is HCC:
        out.general_cautions.append(said("caution.meld_transplant", meld=meld))
    if tumour.burden_ge_70pct:
        out.cautions.append(said("caution.burden_70"))


def _blood_count_unchecked(wbc: float | None, platelets: float | None) -> Said | None:
    """What a blood count with a count missing leaves unchecked, naming the count; None when the
    count given answers everything.

    The relative contraindication needs both counts low, so the count given rules it out when it is
    not low (white cells 3.0 or more, platelets 50 or more); without platelets, whether they need
    correcting before the procedure is not known either.
    """
    if wbc is None and platelets is None:
        return said("note.blood_count_not_given")
    if wbc is None:
        if platelets is not None and platelets < PLATELETS_LOW:
            return said("note.wbc_not_given", platelets=platelets)
        return None
    if wbc < WBC_LOW:
        return said("note.platelets_not_given.low_wbc", wbc=wbc)
    return said("note.platelets_not_given")


def _correct_first(case: Case, out: Assessment) -> None:
    """Values that can be corrected before the procedure; the decision stands (section 2)."""
    liver = case.liver
    if liver.inr > INR_CORRECT_ABOVE:
        out.before_procedure.append(said("before.inr", inr=liver.inr))
    if liver.platelets is not None and liver.platelets < PLATELETS_CORRECT_BELOW:
        out.before_procedure.append(said("before.platelets", platelets=liver.platelets))

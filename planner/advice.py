"""What the guideline stage suggests, beside the protocol's answer (protocol.md C and D.6).

BCLC: Reig et al., J Hepatol 2022;76:681 (2022 edition; the 2025 update keeps the stages and adds
nivolumab-ipilimumab among first-line systemic options). CNLC: China's national guideline for primary liver
cancer, 2024 edition. The advice is keyed to the actual stage of each system: IIIb is not IIIa.
"""

from __future__ import annotations

from planner.models import TumourType

BCLC_EDITION = "BCLC 2022, stages unchanged in the 2025 update"

STAGE_ADVICE = {
    "0": "BCLC 0: resection, ablation or transplant come first; TACE only when they are not feasible "
    "or have failed.",
    "A": "BCLC A: resection, ablation or transplant come first; TACE only when they are not feasible "
    "or have failed.",
    "B": "BCLC B: TACE when the nodules are well defined, portal flow is preserved and the feeders can "
    "be reached selectively; transplant within extended criteria; systemic therapy when diffuse or "
    "extensive bilobar.",
    "B_diffuse": "BCLC B, diffuse or infiltrative: systemic therapy rather than TACE.",
    "C": "BCLC C: first-line treatment is systemic therapy (atezolizumab-bevacizumab, "
    "durvalumab-tremelimumab, or nivolumab-ipilimumab since the 2025 update).",
    "D": "BCLC D: best supportive care; transplant assessment where eligible.",
}

CNLC_ADVICE = {
    "Ia": "CNLC Ia: resection first, ablation an equal option up to 3 cm; TACE for those who cannot or "
    "will not have either (advanced age, severe cirrhosis) (CNLC 2024).",
    "Ib": "CNLC Ib: resection first; TACE or ablation where resection does not suit (CNLC 2024).",
    "IIa": "CNLC IIa: resection in selected patients; TACE otherwise (CNLC 2024).",
    "IIb": "CNLC IIb: TACE is the first choice; resection in selected patients, systemic therapy "
    "(CNLC 2024).",
    "IIIa": "CNLC IIIa: TACE is a first choice beside systemic therapy, HAIC or radiotherapy; resection "
    "in selected patients (CNLC 2024).",
    "IIIb": "CNLC IIIb: systemic therapy first; TACE only to control the disease in the liver, "
    "radiotherapy for metastases (CNLC 2024).",
    "IV": "CNLC IV: best supportive care; transplant for selected patients (CNLC 2024).",
}

NON_HCC_ADVICE = (
    "The founding protocol was written for HCC, and BCLC and CNLC stage HCC only: for {kind} the "
    "scores and rules P2-P11 are shown, but the decision belongs to the multidisciplinary team."
)

TUMOUR_NAMES = {
    TumourType.ICC: "intrahepatic cholangiocarcinoma",
    TumourType.METASTASIS: "liver metastases",
    TumourType.OTHER: "this tumour type",
}


EXCLUDED = (
    "TACE is contraindicated for this patient, so where the stage names TACE its place goes to the "
    "next stage's option (treatment-stage migration, BCLC 2022). The stage itself: "
)


def stage_advice(
    bclc: str | None,
    cnlc: str | None,
    tumour_type: TumourType,
    infiltrative: bool,
    tace_excluded: bool = False,
) -> str:
    """The stages' first-line treatment in a sentence each, so TACE is never pushed unseen.

    Beside a `no_tace` decision the sentence says first that TACE is excluded, so that a stage whose
    first line is TACE (BCLC B, CNLC IIb) never reads as advice against the decision.
    """
    if tumour_type is not TumourType.HCC or bclc is None:
        return NON_HCC_ADVICE.format(kind=TUMOUR_NAMES.get(tumour_type, "this tumour type"))
    key = "B_diffuse" if bclc == "B" and infiltrative else bclc
    text = f"{STAGE_ADVICE[key].removesuffix('.')} ({BCLC_EDITION})."
    if cnlc in CNLC_ADVICE:
        text += " " + CNLC_ADVICE[cnlc]
    return EXCLUDED + text if tace_excluded else text

"""What the guideline stage suggests, beside the protocol's answer (protocol.md C and D.6)."""

from __future__ import annotations

from planner.models import TumourType

STAGE_ADVICE = {
    "0": "BCLC 0: resection, ablation or transplant come first (BCLC 2022); TACE only when they are "
    "not feasible or have failed.",
    "A": "BCLC A: resection, ablation or transplant come first (BCLC 2022); TACE only when they are "
    "not feasible or have failed (CNLC allows it for advanced age or severe cirrhosis).",
    "B": "BCLC B: TACE when the nodules are well defined, portal flow is preserved and the feeders "
    "can be reached selectively; consider transplant within extended criteria (BCLC 2022).",
    "B_diffuse": "BCLC B, diffuse or infiltrative: systemic therapy rather than TACE (BCLC 2022).",
    "C": "BCLC C: first-line treatment is systemic therapy (atezolizumab-bevacizumab or "
    "durvalumab-tremelimumab) (BCLC 2022); the Chinese guideline makes TACE first choice for "
    "CNLC IIIa.",
    "D": "BCLC D: best supportive care (BCLC 2022); transplant assessment where eligible.",
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


def stage_advice(bclc: str | None, tumour_type: TumourType, infiltrative: bool) -> str:
    """One sentence on the stage's first-line treatment, so TACE is never pushed unseen."""
    if tumour_type is not TumourType.HCC or bclc is None:
        return NON_HCC_ADVICE.format(kind=TUMOUR_NAMES.get(tumour_type, "this tumour type"))
    if bclc == "B" and infiltrative:
        return STAGE_ADVICE["B_diffuse"]
    return STAGE_ADVICE[bclc]

"""What the guideline stage suggests, beside the protocol's answer (protocol.md C and D.6).

BCLC: Reig et al., J Hepatol 2022;76:681 (2022 edition; the 2025 update keeps the stages and adds
nivolumab-ipilimumab among first-line systemic options). CNLC: China's national guideline for primary liver
cancer, 2024 edition. The advice is keyed to the actual stage of each system: IIIb is not IIIa.
"""

from __future__ import annotations

from planner.models import (
    HCC,
    TumourType,
)
from planner.said import Said, joined, said

STAGES = frozenset({"0", "A", "B", "C", "D"})
"""BCLC stages with advice; an infiltrative B has its own (`B_diffuse`). Worded, with the BCLC edition
they follow (2022, stages unchanged in 2025), in `lang.plan_words` under `stage.bclc.<stage>`."""
CNLC_STAGES = frozenset({"Ia", "Ib", "IIa", "IIb", "IIIa", "IIIb", "IV"})
"""CNLC stages with advice (CNLC 2024), under `stage.cnlc.<stage>`."""


def stage_advice(
    bclc: str | None,
    cnlc: str | None,
    tumour_type: TumourType,
    infiltrative: bool,
    tace_excluded: bool = False,
) -> Said:
    """The stages' first-line treatment in a sentence each, so TACE is never pushed unseen.

    Beside a `no_tace` decision the sentence says first that TACE is excluded, so that a stage whose
    first line is TACE (BCLC B, CNLC IIb) never reads as advice against the decision.
    """
    if tumour_type is not HCC or bclc is None:
        kind = tumour_type.value if tumour_type is not HCC else TumourType.OTHER.value
        return said(f"stage.non_hcc.{kind}")
    key = "B_diffuse" if bclc == "B" and infiltrative else bclc
    parts = [said(f"stage.bclc.{key}")]
    if cnlc in CNLC_STAGES:
        parts.append(said(f"stage.cnlc.{cnlc}"))
    text = joined("sentences", parts) if len(parts) > 1 else parts[0]
    return said("stage.excluded", stage=text) if tace_excluded else text

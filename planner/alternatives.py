"""Treatments offered beside the decision, the conditional line of BCLC 0/A, and the pre-TACE checklist.

safety-and-course.md sections 7 and 10. The list is advice beside the decision, never a replacement for it;
its ids are fixed (scripts depend on them) and the texts name their sources. Systemic therapy leads the list
when it is the recommended line (BCLC C, infiltrative, refractory, ART high).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.models import (
    ETHANOL_INJECTION,
    HCC,
    NO_PVTT,
    NO_TACE,
    VP4,
    AlbiResult,
    Alternative,
    Case,
    ChildPughResult,
    Decision,
    TransplantCriteria,
    TumourBurden,
)
from planner.said import Said, joined, said

ABLATION_MAX_COUNT = 3
ABLATION_MAX_CM = 3.0
"""Ablation: at most 3 nodules each <= 3 cm (BCLC 2022)."""
ABLATION_SINGLE_MAX_CM_CNLC = 5.0
"""CNLC 2024 also ablates a single tumour <= 5 cm."""
RESECTION_PLATELETS_FROM = 100.0
"""Platelets >= 100 x10^9/L as a surrogate for no clinically significant portal hypertension (EASL 2018)."""
TARE_SINGLE_MAX_CM = 8.0
TARE_ECOG_MAX = 1
"""Radiation segmentectomy: single tumour <= 8 cm, Child-Pugh A, ECOG 0-1 (LEGACY, Salem, Hepatology 2021)."""
SYSTEMIC_EVIDENCE_ECOG_MAX = 1
HAIC_LARGE_ABOVE_CM = 7.0
"""HAIC (FOLFOX) in Chinese practice for a portal vein thrombus or a tumour above 7 cm (CNLC 2024)."""
MELD_TRANSPLANT_FROM = 15
TACE_DECISIONS = (Decision.TACE, Decision.SIMPLE_TACE)

CHECKLIST = ("infection", "biliary", "varices", "cardiac", "contrast", "invasion", "shunt", "hbv")
"""Before every TACE (safety-and-course.md section 10): none of these can be entered today, so all show.
Each is worded in `lang.plan_words` under `check.<item>`; an alternative under `alternative.<id>`."""


@dataclass(slots=True)
class Context:
    """What the alternatives depend on, computed once by the planner."""

    case: Case
    child_pugh: ChildPughResult
    albi: AlbiResult
    bclc: str | None
    cnlc: str | None
    burden: TumourBurden
    transplant: TransplantCriteria | None
    meld: int | None
    decision: Decision
    refractory: bool
    art_stop: bool


def _transplant_text(ctx: Context) -> Said:
    """Which criteria the tumour meets, and the MELD route when MELD is 15 or more."""
    t = ctx.transplant
    met = [said(f"criterion.{name}") for name, ok in (
        ("milan", t and t.milan), ("ucsf", t and t.ucsf), ("up_to_seven", t and t.up_to_seven),
    ) if ok]  # fmt: skip
    meld = ctx.meld if ctx.meld is not None and ctx.meld >= MELD_TRANSPLANT_FROM else None
    where = {"criteria": joined("comma", met)} if met else {}
    code = "alternative.transplant." + ("within" if met else "outside")
    return said(code + ".meld", meld=meld, **where) if meld is not None else said(code, **where)


def offered(ctx: Context) -> list[Alternative]:
    """The alternatives that fit this case, ordered; systemic first when it is the recommended line."""
    case, tumour = ctx.case, ctx.case.tumour
    hcc = tumour.type is HCC
    n, size = tumour.count, tumour.largest_cm
    class_a = ctx.child_pugh.class_ == "A"
    ids: list[str] = []
    # An infiltrative tumour has no margin to ablate or resect (BCLC 2022: systemic therapy).
    focal = not tumour.infiltrative
    if (
        hcc
        and focal
        and ctx.child_pugh.class_ != "C"
        and (
            (n <= ABLATION_MAX_COUNT and size <= ABLATION_MAX_CM)
            or (n == 1 and size <= ABLATION_SINGLE_MAX_CM_CNLC)
        )
    ):
        ids.append("ablation")
    if (
        hcc
        and focal
        and n == 1
        and class_a
        and tumour.pvtt is not VP4
        and not tumour.burden_ge_70pct
    ):
        ids.append("resection")
    milan = bool(ctx.transplant and ctx.transplant.milan)
    # Vascular invasion or spread exclude the MELD route to transplant as they exclude the criteria;
    # an infiltrative tumour has no nodules to measure against them, so it excludes both routes.
    invaded = tumour.pvtt is not NO_PVTT or tumour.extrahepatic
    if (
        hcc
        and focal
        and (milan or (not invaded and ctx.meld is not None and ctx.meld >= MELD_TRANSPLANT_FROM))
    ):
        ids.append("transplant")
    if (
        hcc
        and focal
        and n == 1
        and size <= TARE_SINGLE_MAX_CM
        and class_a
        and case.ecog <= TARE_ECOG_MAX
    ):
        ids.append("tare")
    systemic_leads = hcc and (
        ctx.bclc == "C" or tumour.infiltrative or ctx.refractory or ctx.art_stop
    )
    # TACE excluded in BCLC B: the next stage's option, systemic therapy (stage migration, BCLC 2022).
    migrated = ctx.decision is NO_TACE and ctx.bclc == "B"
    if hcc and (
        systemic_leads
        or migrated
        or (ctx.bclc == "B" and not ctx.burden.within_up_to_seven and ctx.albi.malbi == "2b")
    ):
        ids.append("systemic")
    if hcc and ctx.decision in TACE_DECISIONS and (ctx.bclc == "B" or ctx.cnlc in ("IIb", "IIIa")):
        ids.append("tace_plus_systemic")
    if hcc and (tumour.pvtt is not NO_PVTT or size > HAIC_LARGE_ABOVE_CM):
        ids.append("haic")
    if ctx.bclc == "D" or (ctx.child_pugh.class_ == "C" and not milan):
        ids.append("best_supportive_care")
    if systemic_leads:
        ids.remove("systemic")
        ids.insert(0, "systemic")
    if ctx.bclc == "D" and "best_supportive_care" in ids:
        ids.remove("best_supportive_care")
        ids.insert(0, "best_supportive_care")
    return [  # id, text
        Alternative(i, _transplant_text(ctx) if i == "transplant" else said(f"alternative.{i}"))
        for i in ids
    ]


CONDITIONAL = Said("conditional")
"""TACE only if resection, ablation and transplant are not feasible (BCLC 2022; CNLC Ia-IIa)."""


def conditional(bclc: str | None, decision: Decision) -> Said | None:
    """BCLC 0/A with a TACE decision: TACE only if the curative options are not feasible."""
    if bclc in ("0", "A") and decision in TACE_DECISIONS:
        return CONDITIONAL
    return None


PERCUTANEOUS_CHECKLIST = ("infection", "biliary", "hbv")
"""An ethanol injection is percutaneous: no doxorubicin, contrast or arterial anatomy to check."""


_CHECK = {key: Said(f"check.{key}") for key in CHECKLIST}


def checklist(decision: Decision) -> list[Said]:
    """What to check before an intervention that the case does not answer; empty when none is planned."""
    if decision in TACE_DECISIONS:
        return list(_CHECK.values())
    if decision is ETHANOL_INJECTION:
        return [_CHECK[key] for key in PERCUTANEOUS_CHECKLIST]
    return []

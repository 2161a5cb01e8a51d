"""The planner: scores, stage and the founding protocol's decision, in the order of protocol.md part D.

Order matters: contraindications first (a `no_tace` is never overridden), then follow-up findings after an
earlier intervention (P4), then the elderly or severe-cirrhosis rule (P2), then tumour count (P9, P10), then
timing (P5, P6) and the stage advice beside the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from planner import albi as albi_mod
from planner import child_pugh as cp_mod
from planner import contraindications as ci
from planner import meld as meld_mod
from planner import staging
from planner.advice import stage_advice
from planner.models import (
    Approach,
    Ascites,
    Case,
    ChildPughResult,
    Decision,
    Encephalopathy,
    Lipiodol,
    Plan,
    RuleUse,
    TumourType,
    Window,
)
from planner.rules import rule_sort_key
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.timing import next_window
from planner.units import bilirubin_mg_dl, creatinine_mg_dl
from planner.version import DISCLAIMER, PLANNER_VERSION

P9_MAX_COUNT = 3
"""Exactly three tumours: the founding text is silent; the project treats three as P9 (protocol.md A)."""
ETHANOL_MAX_COUNT = 3
ETHANOL_MAX_CM = 3.0
"""Classic limits of ethanol injection: 3 nodules or fewer, each 3 cm or smaller (guidelines.md 8)."""

INTERVENING = (Decision.TACE, Decision.SIMPLE_TACE, Decision.ETHANOL_INJECTION)


@dataclass
class _Draft:
    """What the steps of part D accumulate before the plan is frozen."""

    reasons: list[RuleUse] = field(default_factory=list)
    technique: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def use(self, rule_id: str, reason: str) -> None:
        """Record that a rule shaped the plan, once."""
        if all(r.id != rule_id for r in self.reasons):
            self.reasons.append(RuleUse(id=rule_id, reason=reason))


def plan_case(
    case: Case, today: date | None = None, settings: ProtocolSettings = DEFAULT_SETTINGS
) -> Plan:
    """The plan for one case; `today` defaults to the case's own `today`.

    Raises:
        ValueError: when neither the case nor the caller gives today's date (the planner reads no clock).
    """
    when = today or case.today
    if when is None:
        raise ValueError("today: the planner needs today's date (it reads no clock)")
    liver, tumour = case.liver, case.tumour
    draft = _Draft()

    child_pugh = cp_mod.child_pugh(
        liver.bilirubin.value,
        liver.bilirubin.unit,
        liver.albumin.value,
        liver.albumin.unit,
        liver.inr,
        liver.ascites,
        liver.encephalopathy,
    )
    draft.flags += cp_mod.child_pugh_flags(
        liver.bilirubin.value, liver.bilirubin.unit, liver.albumin.value, liver.albumin.unit
    )
    albi = albi_mod.albi(
        liver.bilirubin.value, liver.bilirubin.unit, liver.albumin.value, liver.albumin.unit
    )
    draft.flags += albi_mod.albi_flags(
        liver.bilirubin.value, liver.bilirubin.unit, liver.albumin.value, liver.albumin.unit
    )
    meld = meld_mod.meld(
        None
        if liver.creatinine is None
        else creatinine_mg_dl(liver.creatinine.value, liver.creatinine.unit),
        bilirubin_mg_dl(liver.bilirubin.value, liver.bilirubin.unit),
        liver.inr,
        bool(liver.dialysis),
        liver.sodium,
    )
    if meld is None:
        draft.missing.append("liver.creatinine")
    elif liver.sodium is None and meld.meld > meld_mod.MELD_NA_FROM:
        draft.missing.append("liver.sodium")

    stage_input = staging.StageInput(
        ecog=case.ecog,
        child_pugh_class=child_pugh.class_,
        count=tumour.count,
        largest_cm=tumour.largest_cm,
        pvtt=tumour.pvtt,
        extrahepatic=tumour.extrahepatic,
    )
    is_hcc = tumour.type is TumourType.HCC
    bclc = staging.bclc(stage_input) if is_hcc else None
    if bclc is not None:
        draft.flags += bclc.flags
    burden = staging.tumour_burden(tumour.count, tumour.largest_cm)

    assessment = ci.assess(case, child_pugh)
    draft.missing += assessment.missing
    draft.notes += assessment.notes
    cautions = list(assessment.cautions)

    decision, approach, window = _decide(case, child_pugh, when, settings, assessment, draft)
    if decision in (Decision.TACE, Decision.SIMPLE_TACE) and is_hcc:
        if not burden.within_up_to_seven:
            cautions.append(
                f"Beyond up-to-seven (largest {tumour.largest_cm:g} cm + {tumour.count} tumours = "
                f"{burden.sum:g}): TACE is less likely to succeed (Kudo's TACE-unsuitability)."
            )
        if albi.malbi == "2b":
            cautions.append(
                "mALBI 2b: likely to fall to Child-Pugh B after TACE (Japanese TACE-unsuitability)."
            )

    return Plan(
        child_pugh=child_pugh,
        albi=albi,
        meld=None if meld is None else (meld.meld_na if meld.meld_na is not None else meld.meld),
        bclc=None if bclc is None else bclc.stage,  # type: ignore[arg-type]
        decision=decision,
        approach=approach,
        window=window,
        rules=sorted((r.id for r in draft.reasons), key=rule_sort_key),
        contraindications=assessment.contraindications,
        missing=_unique(draft.missing),
        flags=draft.flags,
        meld_detail=meld,
        cnlc=staging.cnlc(stage_input) if is_hcc else None,
        tumour_burden=burden,
        reasons=sorted(draft.reasons, key=lambda r: rule_sort_key(r.id)),
        cautions=cautions,
        stage_advice=stage_advice(
            None if bclc is None else bclc.stage, tumour.type, tumour.infiltrative
        ),
        technique=draft.technique,
        notes=draft.notes,
        today=when,
        disclaimer=DISCLAIMER,
        planner_version=PLANNER_VERSION,
    )


def _unique(items: list[str]) -> list[str]:
    """Keep the first of each, in order."""
    return list(dict.fromkeys(items))


def _decide(
    case: Case,
    child_pugh: ChildPughResult,
    today: date,
    settings: ProtocolSettings,
    assessment: ci.Assessment,
    draft: _Draft,
) -> tuple[Decision, Approach | None, Window | None]:
    """Steps 1-5 of protocol.md part D."""
    if assessment.contraindications:
        named = ", ".join(ci.CONTRAINDICATION_TEXT[c] for c in assessment.contraindications)
        draft.notes.append(f"TACE is contraindicated: {named}.")
        return Decision.NO_TACE, None, None

    draft.use("P1", "Chosen from tumour, thrombus, cirrhosis, liver function, age and condition.")
    history = case.history
    decision: Decision | None = None
    if history is not None:
        draft.use(
            "P4", "After an earlier intervention, follow-up imaging decides what comes next."
        )
        decision = _followup_decision(case, draft)
        if decision is Decision.HOLD:
            return Decision.HOLD, None, None

    approach: Approach | None = None
    if decision is None:
        decision, approach = _treatment(case, child_pugh, settings, draft)

    window = None
    if history is not None and decision in INTERVENING:
        window = next_window(history.last_intervention, history.recovered_on, today, settings)
        draft.use(
            "P5",
            f"Next intervention {settings.interval_min_days} days to "
            f"{settings.interval_max_months} months after the last ({history.last_intervention}).",
        )
        if history.recovered_on is not None:
            draft.use(
                "P6",
                f"At least {settings.recovery_gap_days} days after recovery "
                f"({history.recovered_on}).",
            )
        else:
            draft.missing.append("history.recovered_on")
            draft.notes.append(
                "Recovery date not given: the earliest day counts from the intervention only (P5); "
                "P6 may move it later."
            )
        draft.notes.append(_window_note(window, today))
    return decision, approach, window


def _followup_decision(case: Case, draft: _Draft) -> Decision | None:
    """Step 2: what follow-up imaging decides; None when treatment is to be chosen again."""
    followup = case.history.followup if case.history else None
    if followup is None:
        draft.missing.append("history.followup")
        draft.notes.append(
            "Follow-up imaging findings not given: the decision below is provisional until they are."
        )
        return None
    if followup.new_lesions or followup.progression:
        draft.notes.append("New lesions or progression on follow-up: treat again.")
        return None
    if followup.lipiodol is Lipiodol.DENSE_MARGINAL_DEFECT:
        draft.use("P3", "Dense lipiodol with a small marginal defect: ethanol into the defect.")
        draft.technique.append(
            "Absolute-ethanol injection under ultrasound guidance into the marginal lipiodol "
            "defect (P3); take care near the hilum and bile ducts."
        )
        tumour = case.tumour
        if tumour.count > ETHANOL_MAX_COUNT or tumour.largest_cm > ETHANOL_MAX_CM:
            draft.notes.append(
                "Ethanol suits small targets (3 nodules or fewer, each 3 cm or smaller; best under "
                "2 cm): a larger viable residue needs TACE or ablation."
            )
        return Decision.ETHANOL_INJECTION
    if followup.lipiodol is Lipiodol.DENSE and followup.necrosis:
        draft.use("P7", "Dense lipiodol, necrosis, no new lesion, no progression: hold.")
        draft.technique.append(
            "No intervention now; repeat contrast CT or MRI (MRI preferred after lipiodol) and "
            "decide again on its findings."
        )
        return Decision.HOLD
    draft.notes.append(
        "Sparse lipiodol, or dense without necrosis: viable tumour likely, treat again."
    )
    return None


def _treatment(
    case: Case, child_pugh: ChildPughResult, settings: ProtocolSettings, draft: _Draft
) -> tuple[Decision, Approach]:
    """Steps 3 and 4: plain ultra-selective TACE (P2) or TACE by tumour count (P9, P10)."""
    count = case.tumour.count
    severe = _severe_cirrhosis(case, child_pugh, settings)
    elderly = case.age >= settings.elderly_age
    low, high = settings.elderly_age_alternatives
    if not severe and low <= case.age < high:
        draft.flags.append(
            f"Elderly (P2): age {case.age} against the threshold of {settings.elderly_age} used; "
            f"studies also use {low} or {high}, which would change the decision."
        )
    draft.notes.append(
        f"P2 thresholds used: elderly from {settings.elderly_age} years; severe cirrhosis from "
        f"Child-Pugh {settings.severe_cirrhosis_child_pugh_points} points, or ascites or "
        "encephalopathy."
    )
    draft.use("P8", "Spare the liver: treat through the target vessel only.")
    draft.use("P11", "Search for and treat collateral feeding arteries.")
    if elderly or severe:
        why = []
        if elderly:
            why.append(f"age {case.age} (elderly: {settings.elderly_age} or more)")
        if severe:
            why.append(f"severe cirrhosis ({', '.join(severe)})")
        draft.use("P2", "Plain chemo-embolization, ultra-selective: " + " and ".join(why) + ".")
        draft.technique.append(
            "Plain chemo-embolization only, through ultra-selective cannulation of the artery "
            "feeding the tumour (P2)."
        )
        if count > P9_MAX_COUNT:
            draft.notes.append(
                f"{count} tumours: P10 would otherwise call for lobar placement; P2 keeps the "
                "cannulation ultra-selective."
            )
        decision = Decision.SIMPLE_TACE
    else:
        decision = Decision.TACE
    approach = Approach.SUPERSELECTIVE
    if decision is Decision.TACE and count > P9_MAX_COUNT:
        approach = Approach.LOBAR
        draft.use("P10", f"{count} tumours (more than three): lobar placement.")
        draft.technique.append(
            "Microcatheter in the right or left hepatic artery; avoid the cystic (gallbladder) "
            "artery (P10)."
        )
    elif decision is Decision.TACE:
        draft.use("P9", f"{count} tumour(s): super-selective into each tumour's feeders.")
        draft.technique.append(
            "Microcatheter super-selectively into the peripheral feeding branches of each tumour "
            "in turn (P9)."
        )
        if count == P9_MAX_COUNT:
            draft.notes.append(
                "Exactly three tumours: the founding text says 'fewer than three' (P9) and 'more "
                "than three' (P10); the project treats three as P9 to spare the liver (P8)."
            )
    draft.technique.append("Search for and treat collateral feeding arteries (P11).")
    draft.technique.append(
        "Spare the liver: chemotherapy and embolization through the target vessel only (P8)."
    )
    return decision, approach


def _severe_cirrhosis(
    case: Case, child_pugh: ChildPughResult, settings: ProtocolSettings
) -> list[str]:
    """Why the cirrhosis counts as severe for P2 (protocol.md B), or an empty list."""
    why = []
    if child_pugh.points >= settings.severe_cirrhosis_child_pugh_points:
        why.append(f"Child-Pugh {child_pugh.class_}{child_pugh.points}")
    if case.liver.ascites is not Ascites.NONE:
        why.append("ascites")
    if case.liver.encephalopathy is not Encephalopathy.NONE:
        why.append("encephalopathy")
    return why


def _window_note(window: Window, today: date) -> str:
    """Where today falls in the window, said plainly; the dates are never moved."""
    if window.status == "impossible":
        return (
            f"No valid window: the earliest day ({window.earliest}) falls after the latest "
            f"({window.latest}); the team must decide the timing."
        )
    if window.status == "closed":
        return f"The window closed on {window.latest}: the interval of P5 has passed."
    if window.status == "not_yet_open":
        days = (window.earliest - today).days
        return f"The window opens on {window.earliest}, in {days} days."
    return f"The window is open now, until {window.latest}."

"""The planner: scores, stage and the founding protocol's decision, in the order of protocol.md part D.

Order matters: contraindications first (a `no_tace` is never overridden), then follow-up findings after an
earlier intervention (P4, with the mRECIST response, the ART score and TACE refractoriness of
safety-and-course.md sections 4-6), then the elderly or severe-cirrhosis rule (P2), then tumour count (P9,
P10), then timing (P5, P6), the stage advice and the alternatives beside the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner import albi as albi_mod
from planner import alternatives as alt_mod
from planner import child_pugh as cp_mod
from planner import contraindications as ci
from planner import hap as hap_mod
from planner import meld as meld_mod
from planner import response as mrecist
from planner import retreatment, staging, transplant
from planner.advice import stage_advice
from planner.conventions import Disputed, variant
from planner.models import (
    HCC,
    HOLD,
    LOBAR,
    NO_ASCITES,
    NO_ENCEPHALOPATHY,
    NO_TACE,
    SIMPLE_TACE,
    SUPERSELECTIVE,
    TACE,
    AlbiResult,
    Approach,
    Case,
    ChildPughResult,
    Decision,
    Lipiodol,
    MeldResult,
    Plan,
    Response,
    RuleUse,
    TumourBurden,
    Window,
    unvalidated,
)
from planner.rules import RULE_ORDER
from planner.said import Said, joined, said
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.timing import next_window
from planner.units import Labs, bilirubin_mg_dl, creatinine_mg_dl
from planner.version import DISCLAIMER, PLANNER_VERSION

P9_MAX_COUNT = 3
"""Exactly three tumours: the founding text is silent; the project treats three as P9 (protocol.md A)."""
ETHANOL_MAX_COUNT = 3
ETHANOL_MAX_CM = 3.0
MM_PER_CM = 10
"""Classic limits of ethanol injection: 3 nodules or fewer, each 3 cm or smaller (guidelines.md 8)."""

UNCHANGED = Said("flag.unchanged")
"""The class, the stage and the decision stay the same either way."""
INTERVENING = (Decision.TACE, Decision.SIMPLE_TACE, Decision.ETHANOL_INJECTION)
TACE_DECISIONS = (Decision.TACE, Decision.SIMPLE_TACE)
_plan = unvalidated(Plan)
"""The plan from the parts worked out here, not validated again (they are typed and built here)."""


class _Draft:
    """What the steps of part D accumulate before the plan is frozen.

    A plain class that starts empty rather than a dataclass of default factories, whose generated
    `__init__` calls a factory per field: one is made for the plan and one for each re-plan.
    """

    __slots__ = (
        "cautions",
        "flags",
        "missing",
        "notes",
        "provisional",
        "reasons",
        "stops",
        "technique",
    )
    reasons: dict[str, Said]
    technique: list[Said]
    notes: list[Said]
    flags: list[Disputed]
    missing: list[str]
    stops: dict[str, Said]
    """Stop rules of the follow-up (refractory, ART high) and what makes each."""
    cautions: list[Said]
    provisional: bool

    def __init__(self) -> None:
        self.reasons = {}
        self.technique = []
        self.notes = []
        self.flags = []
        self.missing = []
        self.stops = {}
        self.cautions = []
        self.provisional = False

    def use(self, rule_id: str, reason: Said) -> None:
        """Record that a rule shaped the plan, once, with the first reason given."""
        self.reasons.setdefault(rule_id, reason)


@dataclass(slots=True)
class _Course:
    """What follow-up says about going on: the response, the ART score and refractoriness."""

    read: mrecist.Read
    art: retreatment.Art
    refractory: retreatment.Refractory


def plan_case(
    case: Case, today: date | None = None, settings: ProtocolSettings = DEFAULT_SETTINGS
) -> Plan:
    """The plan for one case; `today` defaults to the case's own `today`.

    Every flag on a disputed value says what the other convention would change: the scores, stage and
    decision are worked out again under that convention's settings and compared.

    Raises:
        ValueError: when neither the case nor the caller gives today's date (the planner reads no clock).
    """
    when = today or case.today
    if when is None:
        raise ValueError("today: the planner needs today's date (it reads no clock)")
    fixed = _Fixed.of(case)
    core = _core(case, when, settings, fixed, with_flags=True)
    flags = []
    for item in core.draft.flags:
        if item.unchanged:
            flags.append(joined("sentences", [item.text, UNCHANGED]))
        elif item.other is None:
            flags.append(item.text)
        else:
            other = _core(case, when, item.other, fixed, with_flags=False)
            flags.append(joined("sentences", [item.text, _what_changes(core, other)]))
    return _full_plan(case, when, core, flags, fixed)


@dataclass(slots=True)
class _Core:
    """Scores, stages and the decision: all that a convention can change, and all a flag compares."""

    child_pugh: ChildPughResult
    albi: AlbiResult
    bclc: str | None
    cnlc: str | None
    assessment: ci.Assessment
    course: _Course
    decision: Decision
    approach: Approach | None
    window: Window | None
    contraindications: list[str]
    draft: _Draft

    @property
    def conditional(self) -> Said | None:
        """The BCLC 0/A line, when the decision is TACE."""
        return alt_mod.conditional(self.bclc, self.decision)


def _what_changes(core: _Core, other: _Core) -> Said:
    """`With that convention: Child-Pugh C10, BCLC D, no TACE.`, or that nothing changes."""
    changes = []
    cp, other_cp = core.child_pugh, other.child_pugh
    if (cp.class_, cp.points) != (other_cp.class_, other_cp.points):
        changes.append(said("change.child_pugh", grade=other_cp.class_, points=other_cp.points))
    if other.bclc != core.bclc:
        changes.append(said("change.bclc", stage=other.bclc))
    if (other.decision, other.approach) != (core.decision, core.approach):
        approach = other.approach.value if other.approach else None
        changes.append(said("decision", decision=other.decision.value, approach=approach))
    if (other.conditional is None) != (core.conditional is None):
        changes.append(said("change.conditional" if other.conditional else "change.unconditional"))
    if not changes:
        return UNCHANGED
    return said("flag.with_that_convention", changes=joined("comma", changes))


@dataclass(slots=True)
class _Fixed:
    """What no convention changes, worked out once per plan and shared by each flag's re-plan.

    MELD, the tumour burden and what has appeared since baseline take no setting; the contraindication
    assessment depends on the case, MELD and the Child-Pugh result only, so a re-plan whose convention
    leaves Child-Pugh as it was reuses it (it is read, never changed, after `ci.assess`).
    """

    labs: Labs
    meld: MeldResult | None
    meld_value: int | None
    missing: list[str]
    burden: TumourBurden
    appeared: list[str]
    assessments: dict[tuple[str, int], ci.Assessment]
    """The contraindication assessment by Child-Pugh result (class, points), once for each."""

    @classmethod
    def of(cls, case: Case) -> _Fixed:
        """The parts of the case's plan that every convention shares."""
        liver, tumour = case.liver, case.tumour
        meld = meld_mod.meld(
            None
            if liver.creatinine is None
            else creatinine_mg_dl(liver.creatinine.value, liver.creatinine.unit),
            bilirubin_mg_dl(liver.bilirubin.value, liver.bilirubin.unit),
            liver.inr,
            bool(liver.dialysis),
            liver.sodium,
        )
        missing = []
        if meld is None:
            missing.append("liver.creatinine")
        elif liver.sodium is None and meld.meld > meld_mod.MELD_NA_FROM:
            missing.append("liver.sodium")
        labs = liver.labs()
        meld_value = (
            None if meld is None else (meld.meld_na if meld.meld_na is not None else meld.meld)
        )
        burden = staging.tumour_burden(tumour.count, tumour.largest_cm)
        appeared = retreatment.appeared_since_baseline(case)[0]
        # By position, each argument named as its field (planner.models says why).
        return cls(labs, meld, meld_value, missing, burden, appeared, {})

    def assessment(self, case: Case, child_pugh: ChildPughResult) -> ci.Assessment:
        """The contraindication assessment for this Child-Pugh result (once per result)."""
        key = (child_pugh.class_, child_pugh.points)
        found = self.assessments.get(key)
        if found is None:
            found = self.assessments[key] = ci.assess(case, child_pugh, self.meld_value, self.labs)
        return found


def _core(
    case: Case, when: date, settings: ProtocolSettings, fixed: _Fixed, *, with_flags: bool
) -> _Core:
    """Steps 1-5 of part D under one set of conventions; `with_flags` also collects disputed values."""
    liver, tumour, labs = case.liver, case.tumour, fixed.labs
    draft = _Draft()
    child_pugh = cp_mod.scored(labs, liver.inr, liver.ascites, liver.encephalopathy, settings)
    albi = albi_mod.albi_of(labs, settings)
    if with_flags:
        bili, alb = liver.bilirubin, liver.albumin
        draft.flags += cp_mod.child_pugh_flags(
            bili.value,
            bili.unit,
            alb.value,
            alb.unit,
            settings,
            scored=child_pugh.items,
            labs=labs,
        )
        draft.flags += albi_mod.albi_flags(
            bili.value, bili.unit, alb.value, alb.unit, settings, graded=albi.grade, labs=labs
        )
    draft.missing += fixed.missing

    stage_input = staging.StageInput(
        case.ecog,
        child_pugh.class_,
        tumour.count,
        tumour.largest_cm,
        tumour.pvtt,
        tumour.extrahepatic,
    )
    is_hcc = tumour.type is HCC
    bclc = staging.bclc(stage_input, settings) if is_hcc else None
    if bclc is not None and with_flags:
        draft.flags += bclc.flags
    ucsf = transplant.ucsf_total_flag(tumour) if with_flags else None
    if ucsf is not None:
        draft.flags.append(ucsf)

    assessment = fixed.assessment(case, child_pugh)
    draft.missing += assessment.missing
    draft.notes += assessment.notes

    history = case.history
    read = mrecist.read(
        history.followup if history else None,
        history.baseline if history else None,
        settings.mrecist_from_sums,
        new_disease=bool(fixed.appeared),
    )
    art = retreatment.art(case, child_pugh.points, read.response)
    refractory = retreatment.refractoriness(case, read.response, settings)
    course = _Course(read, art, refractory)
    decision, approach, window = _decide(
        case, child_pugh, when, settings, assessment, course, draft
    )
    stage = None if bclc is None else bclc.stage
    cnlc = staging.cnlc(stage_input) if is_hcc else None
    contraindications = ci.ordered(assessment.contraindications + list(draft.stops))
    # By position, each argument named as its field (planner.models says why).
    return _Core(
        child_pugh,
        albi,
        stage,
        cnlc,
        assessment,
        course,
        decision,
        approach,
        window,
        contraindications,
        draft,
    )


def _full_plan(case: Case, when: date, core: _Core, flags: list[Said], fixed: _Fixed) -> Plan:
    """The plan around the core: cautions that depend on the decision, prognosis and alternatives."""
    tumour, draft, assessment = case.tumour, core.draft, core.assessment
    decision, contraindications = core.decision, core.contraindications
    is_hcc = tumour.type is HCC
    intervening = decision in INTERVENING
    cautions = [
        *draft.cautions,
        *(assessment.cautions if decision is not NO_TACE else []),
        *assessment.general_cautions,
    ]
    if decision in TACE_DECISIONS and is_hcc:
        if not fixed.burden.within_up_to_seven:
            cautions.append(
                said(
                    "caution.beyond_up_to_seven",
                    largest=tumour.largest_cm,
                    count=tumour.count,
                    total=fixed.burden.sum,
                )
            )
        if core.albi.malbi == "2b":
            cautions.append(
                said("caution.malbi_2b.class_a")
                if core.child_pugh.class_ == "A"
                else said("caution.malbi_2b.worse")
            )
        if tumour.afp is None:
            draft.missing.append("tumour.afp")
    if intervening:
        draft.missing += assessment.missing_if_intervening
    criteria = transplant.criteria(tumour)
    hap = hap_mod.hap(case, fixed.labs)
    if hap is not None and not is_hcc:
        draft.notes.append(said("note.hap_non_hcc"))
    alternatives = alt_mod.offered(
        alt_mod.Context(  # by position, in the order of its fields (planner.models says why)
            case,
            core.child_pugh,
            core.albi,
            core.bclc,
            core.cnlc,
            fixed.burden,
            criteria,
            fixed.meld_value,
            decision,
            ci.TACE_REFRACTORY in contraindications,  # refractory
            ci.ART_SCORE_HIGH in contraindications,  # art_stop
        )
    )
    reasons = [
        RuleUse(rule_id, draft.reasons[rule_id])
        for rule_id in sorted(draft.reasons, key=RULE_ORDER.__getitem__)
    ]
    course = core.course
    return _plan(  # in the order of Plan's fields, which `unvalidated` keeps without sorting
        child_pugh=core.child_pugh,
        albi=core.albi,
        meld=fixed.meld_value,
        bclc=core.bclc,  # type: ignore[arg-type]
        decision=decision,
        approach=core.approach,
        window=core.window,
        rules=[r.id for r in reasons],
        contraindications=contraindications,
        missing=_unique(draft.missing),
        flags=flags,
        before_procedure=assessment.before_procedure if intervening else [],
        checklist=alt_mod.checklist(decision),
        alternatives=alternatives,
        conditional=core.conditional,
        transplant=criteria,
        response=course.read.response,
        art=course.art.result,
        art_parts=course.art.parts,
        refractory=course.refractory.refractory,
        hap=hap,
        crcl=assessment.crcl,
        egfr=assessment.egfr,
        response_computed=course.read.computed,
        response_corrected=course.read.corrected is not None,
        contraindication_findings=assessment.found | draft.stops,
        provisional=draft.provisional,
        meld_detail=fixed.meld,
        cnlc=core.cnlc,
        tumour_burden=fixed.burden,
        reasons=reasons,
        cautions=cautions,
        stage_advice=stage_advice(
            core.bclc, core.cnlc, tumour.type, tumour.infiltrative, decision is NO_TACE
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
    course: _Course,
    draft: _Draft,
) -> tuple[Decision, Approach | None, Window | None]:
    """Steps 1-5 of protocol.md part D."""
    if assessment.contraindications:
        return NO_TACE, None, None

    draft.use("P1", said("reason.P1"))
    history = case.history
    decision: Decision | None = None
    if history is not None:
        draft.use("P4", said("reason.P4"))
        decision = _followup_decision(case, course, settings, draft)
        if decision is HOLD or decision is NO_TACE:
            return decision, None, None

    approach: Approach | None = None
    if decision is None:
        decision, approach = _treatment(case, child_pugh, settings, draft)

    window = None
    if history is not None and decision in INTERVENING:
        window = next_window(history.last_intervention, history.recovered_on, today, settings)
        draft.use(
            "P5",
            said(
                "reason.P5",
                min_days=settings.interval_min_days,
                max_months=settings.interval_max_months,
                last=history.last_intervention,
            ),
        )
        if history.recovered_on is not None:
            draft.use(
                "P6",
                said("reason.P6", days=settings.recovery_gap_days, recovered=history.recovered_on),
            )
        else:
            draft.missing.append("history.recovered_on")
            draft.notes.append(said("note.recovery_not_given"))
        draft.notes.append(_window_note(window, today))
    return decision, approach, window


def _followup_decision(
    case: Case, course: _Course, settings: ProtocolSettings, draft: _Draft
) -> Decision | None:
    """Step 2: what follow-up decides; None when treatment is to be chosen again (steps 3 and 4)."""
    history = case.history
    followup = history.followup if history else None
    if history is None or followup is None:
        draft.missing.append("history.followup")
        draft.provisional = True
        draft.notes.append(said("note.followup_not_given"))
        return None
    read = course.read
    response = read.response
    if read.corrected:
        draft.cautions.append(said("caution.mrecist_corrected", why=read.corrected))
    if read.disagrees is not None and response is not None:
        used = "sums" if read.computed else "reading"
        draft.flags.append(
            Disputed(
                said(
                    f"flag.mrecist_{used}_used",
                    used=response.upper(),
                    other=read.disagrees.upper(),
                ),
                variant(settings, mrecist_from_sums=not settings.mrecist_from_sums),
            )
        )
    appeared = [said(f"appeared.{a}") for a in course.refractory.appeared]
    if mrecist.progressing(followup, response) or appeared:
        found = joined("semicolon", appeared) if appeared else said("why.progression")
        return _treat_again(case, history.sessions, course, settings, draft, found)
    if response is Response.CR:
        draft.use("P7", said("reason.P7.complete_response"))
        draft.technique.append(said("technique.hold"))
        return Decision.HOLD
    if followup.lipiodol is Lipiodol.DENSE_MARGINAL_DEFECT:
        residue = followup.viable_sum_mm
        if residue is not None and residue > ETHANOL_MAX_CM * MM_PER_CM:
            return _treat_again(
                case,
                history.sessions,
                course,
                settings,
                draft,
                said("why.residue_too_large", residue=residue),
            )
        draft.use("P3", said("reason.P3"))
        draft.technique.append(said("technique.ethanol"))
        tumour = case.tumour
        if tumour.count > ETHANOL_MAX_COUNT or tumour.largest_cm > ETHANOL_MAX_CM:
            draft.notes.append(said("note.ethanol_small_targets"))
        return Decision.ETHANOL_INJECTION
    if followup.lipiodol is Lipiodol.DENSE and followup.necrosis:
        draft.use("P7", said("reason.P7.dense_necrosis"))
        draft.technique.append(said("technique.hold_lipiodol"))
        return Decision.HOLD
    if followup.lipiodol is Lipiodol.NONE:
        if response is None:
            draft.missing.append("history.followup.response")
            draft.provisional = True
            why = said("why.no_lipiodol_no_response")
        else:
            why = said("why.no_lipiodol", response=response.upper())
    else:
        why = said("why.viable_likely")
    return _treat_again(case, history.sessions, course, settings, draft, why)


def _treat_again(
    case: Case,
    sessions: int | None,
    course: _Course,
    settings: ProtocolSettings,
    draft: _Draft,
    why: Said,
) -> Decision | None:
    """Follow-up would treat again: unless TACE-refractory or, before the second TACE, ART >= 2.5."""
    refractory, art = course.refractory, course.art
    draft.missing += refractory.missing
    if sessions is None:
        draft.missing.append("history.sessions")
    draft.missing += art.missing
    if refractory.refractory:
        reasons = []
        if refractory.failing_in_a_row:
            reasons.append(said("found.failing_in_a_row", count=refractory.failing_in_a_row))
        reasons += [said(f"appeared.{a}") for a in refractory.appeared]
        draft.stops[ci.TACE_REFRACTORY] = (
            joined("semicolon", reasons) if len(reasons) != 1 else reasons[0]
        )
    other = variant(settings, refractoriness=_OTHER[settings.refractoriness])
    by_other = retreatment.refractoriness(case, course.read.response, other)
    if by_other.refractory != refractory.refractory:
        draft.flags.append(
            Disputed(
                said(
                    "flag.refractoriness."
                    + ("refractory" if refractory.refractory else "not_refractory"),
                    used=said(f"definition.{settings.refractoriness.value}"),
                    other=said(f"definition.{other.refractoriness.value}"),
                ),
                other,
            )
        )
    if art.result is not None and art.parts is not None:
        parts = art.parts
        draft.notes.append(
            said(
                "note.art",
                score=art.result.score,
                child_pugh=parts["child_pugh"],
                ast=parts["ast"],
                response=parts["response"],
            )
        )
        if art.result.stop:
            draft.stops[ci.ART_SCORE_HIGH] = said("found.art", score=art.result.score)
    if draft.stops:
        draft.notes.append(said("note.stops_here", why=why))
        return Decision.NO_TACE
    draft.notes.append(said("note.treat_again", why=why))
    return None


_OTHER = {
    retreatment.Refractoriness.JSH_2014: retreatment.Refractoriness.CHINESE_CONSENSUS_2022,
    retreatment.Refractoriness.CHINESE_CONSENSUS_2022: retreatment.Refractoriness.JSH_2014,
}


def _treatment(
    case: Case, child_pugh: ChildPughResult, settings: ProtocolSettings, draft: _Draft
) -> tuple[Decision, Approach]:
    """Steps 3 and 4: plain ultra-selective TACE (P2) or TACE by tumour count (P9, P10)."""
    count = case.tumour.count
    severe = _severe_cirrhosis(case, child_pugh, settings)
    hcc = case.tumour.type is HCC
    elderly = hcc and case.age >= settings.elderly_age
    low, high = settings.elderly_age_alternatives
    if hcc and not severe and low <= case.age < high:
        other_age = high if elderly else low
        draft.flags.append(
            Disputed(
                said(
                    "flag.elderly." + ("would_not" if elderly else "would"),
                    age=case.age,
                    threshold=settings.elderly_age,
                    low=low,
                    high=high,
                    other=other_age,
                ),
                variant(settings, elderly_age=other_age),
            )
        )
    if not hcc and case.age >= settings.elderly_age and not severe:
        draft.notes.append(said("note.p2_age_non_hcc", age=case.age))
    draft.notes.append(
        said(
            "note.p2_thresholds",
            age=settings.elderly_age,
            points=settings.severe_cirrhosis_child_pugh_points,
        )
    )
    draft.use("P8", said("reason.P8"))
    draft.use("P11", said("reason.P11"))
    if elderly or severe:
        why = []
        if elderly:
            why.append(said("why.elderly", age=case.age, threshold=settings.elderly_age))
        if severe:
            why.append(said("why.severe_cirrhosis", signs=joined("comma", severe)))
        draft.use("P2", said("reason.P2", why=joined("and", why)))
        draft.technique.append(said("technique.plain"))
        if count > P9_MAX_COUNT:
            draft.notes.append(said("note.p2_keeps_ultra_selective", count=count))
        decision = SIMPLE_TACE
    else:
        decision = TACE
    approach = SUPERSELECTIVE
    if decision is TACE and count > P9_MAX_COUNT:
        approach = LOBAR
        draft.use("P10", said("reason.P10", count=count))
        draft.technique.append(said("technique.lobar"))
    elif decision is TACE:
        draft.use("P9", said("reason.P9", count=count))
        draft.technique.append(said("technique.superselective"))
        if count == P9_MAX_COUNT:
            draft.notes.append(said("note.exactly_three"))
    draft.technique.append(said("technique.collaterals"))
    draft.technique.append(said("technique.spare_liver"))
    return decision, approach


def _severe_cirrhosis(
    case: Case, child_pugh: ChildPughResult, settings: ProtocolSettings
) -> list[Said]:
    """Why the cirrhosis counts as severe for P2 (protocol.md B), or an empty list."""
    why = []
    if child_pugh.points >= settings.severe_cirrhosis_child_pugh_points:
        why.append(said("found.child_pugh", grade=child_pugh.class_, points=child_pugh.points))
    if case.liver.ascites is not NO_ASCITES:
        why.append(said("sign.ascites"))
    if case.liver.encephalopathy is not NO_ENCEPHALOPATHY:
        why.append(said("sign.encephalopathy"))
    return why


def _window_note(window: Window, today: date) -> Said:
    """Where today falls in the window, said plainly; the dates are never moved."""
    if window.status == "impossible":
        return said("note.window_impossible", earliest=window.earliest, latest=window.latest)
    if window.status == "closed":
        return said("note.window_closed", latest=window.latest)
    if window.status == "not_yet_open":
        days = (window.earliest - today).days
        return said("note.window_opens", earliest=window.earliest, days=days)
    return said("note.window_open", latest=window.latest)

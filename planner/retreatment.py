"""Whether to go on with TACE after follow-up: the ART score and TACE refractoriness.

ART (Sieghart et al., Hepatology 2013;57:2261), before the second TACE only, against the values before the
first; never computed from a partial set. Refractoriness by JSH-LCSGJ 2014 (Kudo et al., Oncology 2014;87
Suppl 1:22) by default; the Chinese interventional consensus (J Interv Radiol 2022;31:1039) asks for three
consecutive sessions, a department setting that the plan flags (safety-and-course.md sections 4 and 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner import response as mrecist
from planner.models import (
    NO_PVTT,
    ArtResult,
    Case,
    Followup,
    Response,
)
from planner.settings import ProtocolSettings, Refractoriness

ART_SESSIONS = 1
"""ART is computed before the second TACE: after exactly one session."""
ART_CHILD_PUGH_RISE_1 = 1.5
ART_CHILD_PUGH_RISE_2_OR_MORE = 3.0
ART_LARGE_RISE_FROM = 2
"""A Child-Pugh rise of this many points or more scores 3; a rise of one point scores 1.5."""
ART_AST_RISE_FRACTION = 0.25
"""AST up by more than 25 % over its value before the first TACE scores 4."""
ART_AST_POINTS = 4.0
ART_NO_RESPONSE_POINTS = 1.0
"""No radiological response (neither CR nor PR) scores 1."""
ART_STOP_FROM = 2.5
"""ART >= 2.5: median survival 6.6 against 23.5 months; no benefit expected from another TACE."""
RESPONDING = (Response.CR, Response.PR)
RATIO_DIGITS = 6

CONSECUTIVE_FAILURES = {
    Refractoriness.JSH_2014: 2,
    Refractoriness.CHINESE_CONSENSUS_2022: 3,
}
"""Consecutive follow-ups with an insufficient response or intrahepatic progression that make refractory."""


@dataclass(slots=True)
class Art:
    """The ART result (None when not computed) and the inputs it lacked."""

    result: ArtResult | None = None
    parts: dict[str, float] | None = None
    missing: list[str] = field(default_factory=list)


def art(case: Case, child_pugh_points: int, response: Response | None) -> Art:
    """ART before the second TACE; `missing` names each absent input, and then no score is given."""
    history = case.history
    if history is None or history.followup is None or history.sessions != ART_SESSIONS:
        return Art()
    baseline = history.baseline
    base_points = None if baseline is None else baseline.child_pugh_points
    base_ast = None if baseline is None else baseline.ast
    missing = [
        key
        for key, value in (
            ("history.baseline.child_pugh_points", base_points),
            ("history.baseline.ast", base_ast),
            ("liver.ast", case.liver.ast),
            ("history.followup.response", response),
        )
        if value is None
    ]
    now_ast = case.liver.ast
    if base_points is None or base_ast is None or now_ast is None or response is None:
        return Art(missing=missing)
    rise = child_pugh_points - base_points
    parts = {
        "child_pugh": ART_CHILD_PUGH_RISE_2_OR_MORE
        if rise >= ART_LARGE_RISE_FROM
        else ART_CHILD_PUGH_RISE_1
        if rise == ART_LARGE_RISE_FROM - 1
        else 0.0,
        "ast": ART_AST_POINTS
        if round((now_ast - base_ast) / base_ast, RATIO_DIGITS) > ART_AST_RISE_FRACTION
        else 0.0,
        "response": 0.0 if response in RESPONDING else ART_NO_RESPONSE_POINTS,
    }
    score = sum(parts.values())
    return Art(ArtResult(score=score, stop=score >= ART_STOP_FROM), parts)


@dataclass(slots=True)
class Refractory:
    """Refractoriness (None without follow-up), why, and what it could not check."""

    refractory: bool | None = None
    failing_in_a_row: int = 0
    appeared: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def failing(followup: Followup, response: Response | None) -> bool:
    """Insufficient response (more than 50 % viable) or intrahepatic progression at one follow-up."""
    return bool(followup.viable_over_50pct) or mrecist.progressing(followup, response)


def appeared_since_baseline(case: Case) -> tuple[list[str], list[str]]:
    """Portal vein invasion or extrahepatic spread now that were absent at baseline, and which
    baseline values were not given to tell.

    Both are new disease: progression by mRECIST (a new non-target lesion) and, after TACE, a JSH
    criterion of refractoriness.
    """
    history, tumour = case.history, case.tumour
    baseline = history.baseline if history else None
    appeared: list[str] = []
    missing: list[str] = []
    if tumour.pvtt is not NO_PVTT:
        if baseline is None or baseline.pvtt is None:
            missing.append("history.baseline.pvtt")
        elif baseline.pvtt is NO_PVTT:
            appeared.append("vascular_invasion")
    if tumour.extrahepatic:
        if baseline is None or baseline.extrahepatic is None:
            missing.append("history.baseline.extrahepatic")
        elif not baseline.extrahepatic:
            appeared.append("extrahepatic_spread")
    return appeared, missing


def refractoriness(
    case: Case, response: Response | None, settings: ProtocolSettings
) -> Refractory:
    """TACE refractoriness from the follow-ups so far and what appeared since baseline."""
    history = case.history
    if history is None or history.followup is None:
        return Refractory()
    baseline = history.baseline
    in_a_row = 0
    for index, followup in enumerate(reversed([*history.previous_followups, history.followup])):
        own = (
            response
            if index == 0
            else mrecist.read(followup, baseline, settings.mrecist_from_sums).response
        )
        if not failing(followup, own):
            break
        in_a_row += 1
    appeared, missing = appeared_since_baseline(case)
    out = Refractory(None, in_a_row, appeared, missing)  # refractory: below
    needed = CONSECUTIVE_FAILURES[settings.refractoriness]
    sessions_enough = (history.sessions or 0) >= needed
    new_disease_counts = bool(appeared) and (
        settings.refractoriness is Refractoriness.JSH_2014 or sessions_enough
    )
    out.refractory = in_a_row >= needed or new_disease_counts
    return out

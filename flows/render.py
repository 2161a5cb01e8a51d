"""The plan as one chat message: a glanceable first line, then the detail, within Telegram's limit.

Every part of the plan is said in words a clinician would write: contraindications, values to correct,
alternatives and the checklist come from the planner's texts, which name their sources; no code (such as
`child_pugh_c`) reaches the reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner import Plan
from planner.contraindications import CONTRAINDICATION_TEXT
from planner.rules import RULES
from planner.wording import DECISION_SHORT, DECISION_WORDS, words_for

__all__ = [
    "DECISION_SHORT",
    "DECISION_WORDS",
    "MESSAGE_LIMIT",
    "decision_words",
    "render_plan",
    "rule_text",
    "summary_line",
    "words_for",
]

MESSAGE_LIMIT = 4096
"""Telegram's limit for one message; the terminal uses the same so both channels show the same text."""

FIELD_NAMES = {
    "liver.creatinine": "creatinine (MELD, renal contraindication)",
    "liver.sodium": "sodium (MELD-Na)",
    "tumour.pvtt_collaterals": "collateral flow around the main-trunk thrombus",
    "history.recovered_on": "recovery date (P6 may move the earliest day)",
    "history.followup": "follow-up imaging findings (decide hold, ethanol or TACE)",
    "history.followup.response": "mRECIST response (decides when no lipiodol was used)",
    "history.sessions": "number of TACE sessions so far (ART score, refractoriness)",
    "history.baseline.child_pugh_points": "Child-Pugh points before the first TACE (ART score)",
    "history.baseline.ast": "AST before the first TACE (ART score)",
    "history.baseline.pvtt": "portal vein thrombus before the first TACE (refractoriness)",
    "history.baseline.extrahepatic": "extrahepatic spread before the first TACE (refractoriness)",
    "liver.ast": "AST now (ART score)",
    "tumour.pvtt_occlusion": "whether the main-trunk thrombus occludes the trunk completely",
    "tumour.afp": "AFP (HAP prognosis)",
    "sex": "sex (creatinine clearance)",
    "weight_kg": "weight (creatinine clearance)",
}

RESPONSE_WORDS = {
    "cr": "complete response",
    "pr": "partial response",
    "sd": "stable disease",
    "pd": "progressive disease",
}


def decision_words(plan: Plan) -> str:
    """The decision as the summary line words it."""
    return words_for(plan.decision.value, plan.approach.value if plan.approach else None)


def summary_line(plan: Plan) -> str:
    """`Child-Pugh A5 · ALBI 1 · MELD 7 · BCLC B — super-selective TACE` (MELD when computable)."""
    parts = [
        f"Child-Pugh {plan.child_pugh.class_}{plan.child_pugh.points}",
        f"ALBI {plan.albi.grade}",
    ]
    if plan.meld is not None:
        parts.append(f"MELD {plan.meld}")
    if plan.bclc is not None:
        parts.append(f"BCLC {plan.bclc}")
    line = " · ".join(parts) + f" — {decision_words(plan)}"
    if plan.provisional:
        line += " (provisional: follow-up findings missing)"
    if plan.conditional:
        line += ", only if resection, ablation and transplant are not feasible"
    return line


def _section(title: str, lines: Sequence[str]) -> str:
    return "" if not lines else title + "\n" + "\n".join(f"• {line}" for line in lines)


def render_plan(plan: Plan, label: str | None = None, assumed: Sequence[str] = ()) -> str:
    """The whole plan message; long sections are shortened, never the summary or the disclaimer."""
    head = summary_line(plan) + (f"\nPatient {label}" if label else "")
    window = ""
    if plan.window is not None:
        w = plan.window
        window = f"Window: {w.earliest.isoformat()} → {w.latest.isoformat()} ({_status(w.status)})"
    stage = plan.stage_advice or ""
    missing = [FIELD_NAMES.get(m, m) for m in plan.missing]
    full_rules = [f"{r.id}: {r.reason}" for r in plan.reasons]
    short_rules = [", ".join(r.id for r in plan.reasons)] if plan.reasons else []
    tail = plan.disclaimer
    for rules, notes in ((full_rules, plan.notes), (short_rules, plan.notes), (short_rules, [])):
        body = [
            window,
            _section("Contraindicated:", _contraindications(plan)),
            _section("Correct before the procedure:", plan.before_procedure),
            _section("Course:", _course(plan)),
            _section("Technique:", plan.technique),
            _section("Cautions:", plan.cautions),
            _section("Convention-dependent (flags):", plan.flags),
            _section("Stage:", [stage] if stage else []),
            _section("Alternatives:", [a.text for a in plan.alternatives]),
            _section("Prognosis and transplant:", _prognosis(plan)),
            _checklist(plan),
            _section("Rules:", rules),
            _section("Missing, would change the plan:", missing),
            _section("Assumed:", list(assumed)),
            _section("Notes:", notes),
        ]
        text = "\n\n".join(part for part in (head, *body, tail) if part)
        if len(text) <= MESSAGE_LIMIT:
            return text
    cut = MESSAGE_LIMIT - len(tail) - 3
    return text[:cut].rstrip() + "…\n\n" + tail


def _contraindications(plan: Plan) -> list[str]:
    """Each contraindication as a sentence, with what this patient has that makes it."""
    lines = []
    for name in plan.contraindications:
        found = plan.contraindication_findings.get(name)
        here = f" Here: {found}." if found else ""
        lines.append(CONTRAINDICATION_TEXT[name] + here)
    return lines


def _course(plan: Plan) -> list[str]:
    """The response, ART score and refractoriness, when follow-up gave them."""
    lines = []
    if plan.response is not None:
        how = "computed from the viable sums" if plan.response_computed else "as read"
        lines.append(f"mRECIST: {RESPONSE_WORDS[plan.response]} ({how}).")
    if plan.art is not None:
        verdict = "stop TACE" if plan.art.stop else "TACE may continue"
        lines.append(f"ART score {plan.art.score:g}: {verdict} (2.5 or more: stop).")
    if plan.refractory is not None:
        lines.append("TACE-refractory." if plan.refractory else "Not TACE-refractory.")
    return lines


def _prognosis(plan: Plan) -> list[str]:
    """HAP class, transplant criteria (unless the transplant alternative names them) and clearance."""
    lines = []
    offered = any(a.id == "transplant" for a in plan.alternatives)
    if plan.transplant is not None and not offered:
        t = plan.transplant
        named = (("Milan", t.milan), ("UCSF", t.ucsf), ("up-to-seven", t.up_to_seven))
        within = [name for name, ok in named if ok]
        outside = [name for name, ok in named if not ok]
        parts = []
        if within:
            parts.append("within " + ", ".join(within))
        if outside:
            parts.append("outside " + ", ".join(outside))
        lines.append("Transplant criteria: " + "; ".join(parts) + ".")
    if plan.hap is not None:
        lines.append(f"HAP {plan.hap} (prognosis after TACE; A best, D worst).")
    if plan.crcl is not None:
        lines.append(f"Creatinine clearance {plan.crcl:g} mL/min (Cockcroft-Gault).")
    return lines


def _checklist(plan: Plan) -> str:
    """The pre-procedure checklist in one compact paragraph."""
    if not plan.checklist:
        return ""
    return "Check before the procedure: " + " ".join(plan.checklist)


def _status(status: str) -> str:
    return {
        "open": "open now",
        "not_yet_open": "not open yet",
        "closed": "closed",
        "impossible": "no valid window: earliest after latest",
    }[status]


def rule_text(rule_id: str) -> str:
    """The founding text of a rule, for /help on a plan."""
    return f"{rule_id}: {RULES[rule_id].text}"

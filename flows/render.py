"""The plan as one chat message: a glanceable first line, then the detail, within Telegram's limit."""

from __future__ import annotations

from collections.abc import Sequence

from planner import Plan
from planner.rules import RULES

MESSAGE_LIMIT = 4096
"""Telegram's limit for one message; the terminal uses the same so both channels show the same text."""

DECISION_WORDS = {
    ("tace", "superselective"): "super-selective TACE",
    ("tace", "lobar"): "lobar TACE",
    ("simple_tace", "superselective"): "plain chemo-embolization (ultra-selective)",
    ("ethanol_injection", None): "ethanol injection",
    ("hold", None): "hold",
    ("no_tace", None): "no TACE",
}

FIELD_NAMES = {
    "liver.creatinine": "creatinine (MELD, renal contraindication)",
    "liver.sodium": "sodium (MELD-Na)",
    "tumour.pvtt_collaterals": "collateral flow around the main-trunk thrombus",
    "history.recovered_on": "recovery date (P6 may move the earliest day)",
    "history.followup": "follow-up imaging findings (decide hold, ethanol or TACE)",
}


DECISION_SHORT = {"tace": "TACE", "simple_tace": "plain chemo-embolization"}
"""A TACE decision in words when its approach is not at hand (the patient list)."""


def words_for(decision: str, approach: str | None = None) -> str:
    """A stored decision (and approach) in the words the summary line uses."""
    key = (decision, approach if decision in DECISION_SHORT else None)
    return DECISION_WORDS.get(key) or DECISION_SHORT.get(decision) or decision.replace("_", " ")


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
    return " · ".join(parts) + f" — {decision_words(plan)}"


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
    if plan.cnlc:
        stage = f"CNLC {plan.cnlc}. {stage}"
    missing = [FIELD_NAMES.get(m, m) for m in plan.missing]
    full_rules = [f"{r.id}: {r.reason}" for r in plan.reasons]
    short_rules = [", ".join(r.id for r in plan.reasons)] if plan.reasons else []
    tail = plan.disclaimer
    for rules, notes in ((full_rules, plan.notes), (short_rules, plan.notes), (short_rules, [])):
        body = [
            window,
            _section("Technique:", plan.technique),
            _section("Contraindicated:", _contraindications(plan)),
            _section("Cautions:", plan.cautions),
            _section("Convention-dependent (flags):", plan.flags),
            _section("Stage:", [stage] if stage else []),
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
    return [c.replace("_", " ") for c in plan.contraindications]


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

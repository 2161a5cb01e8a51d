"""Decisions in words, in one place, for the plan's own flags and for every channel's renderer."""

from __future__ import annotations

DECISION_WORDS = {
    ("tace", "superselective"): "super-selective TACE",
    ("tace", "lobar"): "lobar TACE",
    ("simple_tace", "superselective"): "plain chemo-embolization (ultra-selective)",
    ("ethanol_injection", None): "ethanol injection",
    ("hold", None): "hold",
    ("no_tace", None): "no TACE",
}

DECISION_SHORT = {"tace": "TACE", "simple_tace": "plain chemo-embolization"}
"""A TACE decision in words when its approach is not at hand (the patient list)."""


def words_for(decision: str, approach: str | None = None) -> str:
    """A decision (and approach) as the summary line words it: `super-selective TACE`."""
    key = (decision, approach if decision in DECISION_SHORT else None)
    return DECISION_WORDS.get(key) or DECISION_SHORT.get(decision) or decision.replace("_", " ")

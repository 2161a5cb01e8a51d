"""The sentence codes of a plan stored before issue 15, recovered exactly or not at all (m008).

Plans used to be stored with the planner's English sentences. The codes behind them are recovered by
planning the stored case again on the stored day; they are trusted only when the new plan has the same
ids and its codes, worded in English, give back every stored sentence character for character. A plan
that fails either check keeps its English as legacy verbatim text: a reader in another language then
sees the English that was shown, never a translation guessed from a plan that is not the same.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from lang import use
from lang.plan_words import say
from planner import Case, plan_case
from planner.said import worded

TEXT_FIELDS = (
    "flags",
    "before_procedure",
    "checklist",
    "alternatives",
    "conditional",
    "contraindication_findings",
    "reasons",
    "cautions",
    "stage_advice",
    "technique",
    "notes",
    "disclaimer",
)
"""The fields of the plan that are sentences (the contract's text fields and the project's)."""
ID_FIELDS = (
    "decision",
    "approach",
    "rules",
    "contraindications",
    "missing",
    "window",
    "bclc",
    "cnlc",
    "child_pugh",
    "response",
    "refractory",
)
"""What must be the same in the plan made again for its codes to stand for the stored sentences."""


def coded_texts(case: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any] | None:
    """The coded text fields of a stored English plan (only those that are not null), or None when
    the plan cannot be made again with exactly the same ids and sentences."""
    if any(_coded(plan.get(name)) for name in TEXT_FIELDS):
        return None  # already stored as codes
    try:
        today = date.fromisoformat(str(plan.get("today")))
        again = plan_case(Case.model_validate(case), today)
    except (ValidationError, ValueError, TypeError):
        return None
    coded = again.model_dump(mode="json")
    if any(coded.get(name) != plan.get(name) for name in ID_FIELDS):
        return None
    with use("en"), worded(say):
        english = again.model_dump(mode="json")
    if any(english.get(name) != plan.get(name) for name in TEXT_FIELDS):
        return None
    return {name: coded[name] for name in TEXT_FIELDS if coded.get(name) is not None}


def _coded(value: Any) -> bool:
    """Whether a stored text field already holds sentence codes (a plan saved since issue 15)."""
    if isinstance(value, dict):
        return "code" in value or any(_coded(v) for v in value.values())
    if isinstance(value, list):
        return any(_coded(v) for v in value)
    return False

"""From a dialogue's answers to the planner's case: only questions that apply are used.

An answer to a question that no longer applies (history dates after "earlier intervention" was changed to
no) stays in the dialogue, so that changing one's mind back restores it, but never reaches the planner.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.questions import BY_ID, Answers

CASE_PATHS = {
    "tumour_type": "tumour.type",
    "count": "tumour.count",
    "largest_cm": "tumour.largest_cm",
    "pvtt": "tumour.pvtt",
    "pvtt_collaterals": "tumour.pvtt_collaterals",
    "extrahepatic": "tumour.extrahepatic",
    "infiltrative": "tumour.infiltrative",
    "burden_ge_70pct": "tumour.burden_ge_70pct",
    "pvtt_occlusion": "tumour.pvtt_occlusion",
    "afp": "tumour.afp",
    "platelets": "liver.platelets",
    "wbc": "liver.wbc",
    "ast": "liver.ast",
    "sex": "sex",
    "weight_kg": "weight_kg",
    "sessions": "history.sessions",
    "bilirubin": "liver.bilirubin",
    "albumin": "liver.albumin",
    "inr": "liver.inr",
    "ascites": "liver.ascites",
    "encephalopathy": "liver.encephalopathy",
    "creatinine": "liver.creatinine",
    "sodium": "liver.sodium",
    "dialysis": "liver.dialysis",
    "age": "age",
    "ecog": "ecog",
    "last_intervention": "history.last_intervention",
    "recovered_on": "history.recovered_on",
    "lipiodol": "history.followup.lipiodol",
    "necrosis": "history.followup.necrosis",
    "new_lesions": "history.followup.new_lesions",
    "progression": "history.followup.progression",
    "response": "history.followup.response",
    "viable_sum_mm": "history.followup.viable_sum_mm",
    "nadir_viable_sum_mm": "history.followup.nadir_viable_sum_mm",
    "viable_over_50pct": "history.followup.viable_over_50pct",
}
"""Where each answer goes in the contract's case (docs/plan-json.md)."""

QUESTION_OF_PATH = {path: qid for qid, path in CASE_PATHS.items()}


def applicable(answers: Answers) -> dict[str, Any]:
    """The answers to questions that apply, skipped ones (None) left out."""
    return {
        qid: value
        for qid, value in answers.items()
        if value is not None and qid in BY_ID and BY_ID[qid].applies(answers)
    }


def case_from_answers(answers: Answers, today: date) -> dict[str, Any]:
    """The contract's case as a dict, ready for `planner.Case.model_validate`."""
    case: dict[str, Any] = {"today": today.isoformat()}
    for qid, value in applicable(answers).items():
        path = CASE_PATHS.get(qid)
        if path is None:
            continue
        node = case
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if qid == "ecog":
            value = int(value)
        elif isinstance(value, dict) and BY_ID[qid].default_unit:  # one-unit quantity: a number
            value = value["value"]
        node[leaf] = value
    _with_course(case, answers.get("course"))
    _imaged_on(case, answers.get("measured_on"))
    return case


def _imaged_on(case: dict[str, Any], measured_on: Any) -> None:
    """The day the findings were imaged (`on=`, or the follow-up's imaging day) into the
    follow-up: a hold's re-imaging is counted from it, not from the day they were typed."""
    followup = (case.get("history") or {}).get("followup")
    if isinstance(followup, dict) and isinstance(measured_on, str):
        followup.setdefault("imaged_on", measured_on)


def _with_course(case: dict[str, Any], course: Any) -> None:
    """The stored course (baseline, earlier follow-ups, nadir) into the history, when there is one.

    The caller reads it from the store (`bot.course`); what the clinician typed wins over it.
    """
    history = case.get("history")
    if not isinstance(course, dict) or not isinstance(history, dict):
        return
    if course.get("baseline"):
        history.setdefault("baseline", course["baseline"])
    elif (found := _baseline_before(course.get("baselines"), history)) is not None:
        history.setdefault("baseline", found)
    if course.get("previous_followups"):
        history.setdefault("previous_followups", course["previous_followups"])
    followup = history.get("followup")
    nadir = course.get("nadir_viable_sum_mm")
    if isinstance(followup, dict) and "viable_sum_mm" in followup and nadir is not None:
        followup.setdefault("nadir_viable_sum_mm", nadir)


def _baseline_before(candidates: Any, history: dict[str, Any]) -> dict[str, Any] | None:
    """With no session recorded, the baseline before the typed last intervention, or None.

    `candidates` are the saved assessments (`{"on", "last", "values"}`, oldest first, `last`
    their own typed last intervention). The first intervention is the earliest typed one up to
    this line's; the baseline is the latest assessment measured on or before it.
    """
    last = history.get("last_intervention")
    if not isinstance(candidates, list) or not isinstance(last, str):
        return None
    typed = [c["last"] for c in candidates if isinstance(c.get("last"), str) and c["last"] <= last]
    first = min([last, *typed])
    before = [c for c in candidates if c.get("on") <= first and c.get("values")]
    return before[-1]["values"] if before else None


def question_for_error(path: str) -> str | None:
    """The question to ask again for a validation error at `path` (e.g. `history.recovered_on`)."""
    best = None
    for case_path, qid in QUESTION_OF_PATH.items():
        if path == case_path or path.startswith(case_path + "."):
            best = qid
    if best is None and path.startswith("history"):
        return "recovered_on"
    return best

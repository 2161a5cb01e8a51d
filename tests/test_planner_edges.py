"""Edges an audit changed by hand without the suite noticing: each is now a behaviour under test."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner import DEFAULT_SETTINGS, Case, plan_case
from planner.meld import _half_up, meld_score
from planner.models import Pvtt
from planner.staging import StageInput, bclc
from planner.timing import next_window
from tests.worded import Worded


@pytest.mark.parametrize("pvtt", [Pvtt.VP2, Pvtt.VP4])
def test_child_pugh_c_with_a_thrombus_is_stage_d_not_c(pvtt: Pvtt) -> None:
    """End-stage liver function is assigned before invasion (BCLC 2022 order of assignment)."""
    staged = StageInput(
        ecog=0, child_pugh_class="C", count=2, largest_cm=3.0, pvtt=pvtt, extrahepatic=True
    )
    assert bclc(staged).stage == "D"


def test_a_one_day_window_is_open_on_its_day() -> None:
    """Earliest = latest (recovery + 21 days falls on last + 3 months): a valid, one-day window."""
    window = next_window(date(2026, 1, 1), date(2026, 3, 11), date(2026, 4, 1), DEFAULT_SETTINGS)
    assert (window.earliest, window.latest, window.status) == (
        date(2026, 4, 1), date(2026, 4, 1), "open",
    )  # fmt: skip
    a_day_later = next_window(
        date(2026, 1, 1), date(2026, 3, 12), date(2026, 4, 1), DEFAULT_SETTINGS
    )
    assert a_day_later.status == "impossible"


@pytest.mark.parametrize(
    ("creatinine", "bilirubin", "inr", "expected"),
    [
        (2.0, 0.5, 1.0, 13),  # bilirubin below 1.0 counts as 1.0 (10 without the floor)
        (2.0, 1.0, 0.8, 13),  # INR below 1.0 counts as 1.0 (11 without the floor)
        (0.5, 3.0, 1.0, 11),  # creatinine below 1.0 counts as 1.0 (6 without the floor)
    ],
)
def test_each_meld_floor_alone(
    creatinine: float, bilirubin: float, inr: float, expected: int
) -> None:
    assert meld_score(creatinine, bilirubin, inr, dialysis=False) == expected


@pytest.mark.parametrize(("value", "expected"), [(12.5, 13), (13.5, 14), (12.49, 12), (6.0, 6)])
def test_meld_rounds_an_exact_half_up(value: float, expected: int) -> None:
    """OPTN rounds half up; Python's round() would give 12 for 12.5."""
    assert _half_up(value) == expected


SPARSE = {"lipiodol": "sparse", "necrosis": False, "new_lesions": False, "progression": False}


def _followup_plan(base_case: dict[str, Any], history: dict[str, Any]) -> Any:
    base_case["history"] = {"last_intervention": "2026-08-20", **history}
    return Worded(plan_case(Case.model_validate(base_case)))


def test_progression_with_the_sessions_given_does_not_ask_for_them(
    base_case: dict[str, Any],
) -> None:
    """Progression treats again through the stop rules, which read the sessions given."""
    progressed = {**SPARSE, "new_lesions": True}
    given = _followup_plan(base_case, {"followup": progressed, "sessions": 2})
    assert "history.sessions" not in given.missing
    not_given = _followup_plan(base_case, {"followup": progressed})
    assert "history.sessions" in not_given.missing


def test_the_other_refractoriness_definition_also_reads_the_current_response(
    base_case: dict[str, Any],
) -> None:
    """Three sessions, two earlier failing follow-ups and PD now: refractory by both definitions.

    The Chinese consensus needs three failing follow-ups in a row; the third is today's mRECIST PD, so
    the two definitions agree and the plan carries no refractoriness flag.
    """
    failing = {**SPARSE, "viable_over_50pct": True}
    plan = _followup_plan(
        base_case,
        {
            "sessions": 3,
            "previous_followups": [failing, failing],
            "followup": {**SPARSE, "response": "pd"},
        },
    )
    assert plan.contraindications == ["tace_refractory"]
    assert not [f for f in plan.flags if f.startswith("TACE refractoriness")]


def test_a_viable_sum_of_zero_after_beads_is_a_complete_response_and_holds(
    base_case: dict[str, Any],
) -> None:
    """No category, no baseline sum: a sum of 0 is CR by itself, so a complete responder is not
    treated again (safety-and-course.md 6)."""
    plan = _followup_plan(
        base_case,
        {
            "sessions": 1,
            "followup": {**SPARSE, "lipiodol": "none", "necrosis": True, "viable_sum_mm": 0.0},
        },
    )
    assert (plan.response, plan.decision) == ("cr", "hold")
    assert plan.response_computed is True


def test_a_sum_above_its_nadir_is_progression_without_a_baseline_sum(
    base_case: dict[str, Any],
) -> None:
    followup = {**SPARSE, "lipiodol": "none", "viable_sum_mm": 32.0, "nadir_viable_sum_mm": 25.0}
    plan = _followup_plan(base_case, {"sessions": 2, "followup": followup})
    assert plan.response == "pd"
    followup["viable_sum_mm"] = 29.0  # +16 %: PR or SD, which needs the baseline sum
    assert _followup_plan(base_case, {"sessions": 2, "followup": followup}).response is None


@pytest.mark.parametrize(
    ("now", "before"),
    [({"extrahepatic": True}, {"extrahepatic": False}), ({"pvtt": "vp2"}, {"pvtt": "none"})],
)
def test_spread_or_invasion_absent_at_baseline_turns_a_given_pr_into_pd(
    base_case: dict[str, Any], now: dict[str, Any], before: dict[str, Any]
) -> None:
    """New extrahepatic disease or a new tumour thrombus is a new lesion for mRECIST."""
    base_case["tumour"].update(now)
    baseline = {
        "child_pugh_points": 5, "ast": 40, "pvtt": "none", "extrahepatic": False,
    }  # fmt: skip
    base_case["liver"]["ast"] = 40
    plan = _followup_plan(
        base_case,
        {"sessions": 1, "baseline": baseline, "followup": {**SPARSE, "response": "pr"}},
    )
    assert plan.response == "pd"
    assert any("read as PD" in c and "absent at baseline" in c for c in plan.cautions)
    assert plan.art_parts is not None
    assert plan.art_parts["response"] == 1.0
    base_case["tumour"].update(before)
    same = _followup_plan(
        base_case,
        {"sessions": 1, "baseline": baseline, "followup": {**SPARSE, "response": "pr"}},
    )
    assert same.response == "pr"


def test_a_given_category_beside_a_new_lesion_is_corrected_and_says_why(
    base_case: dict[str, Any],
) -> None:
    plan = _followup_plan(
        base_case, {"sessions": 1, "followup": {**SPARSE, "new_lesions": True, "response": "sd"}}
    )
    assert plan.response == "pd"
    assert (
        "mRECIST: the radiologist's SD is read as PD: a new lesion is progression by mRECIST; "
        "check the imaging report."
    ) in plan.cautions


def test_new_spread_makes_the_computed_category_pd_too(base_case: dict[str, Any]) -> None:
    """No category given: a sum down 40 % from baseline is PR, unless spread appeared since."""
    history = {
        "sessions": 1,
        "baseline": {"extrahepatic": False, "viable_sum_mm": 50.0},
        "followup": {**SPARSE, "viable_sum_mm": 30.0},
    }
    assert _followup_plan(base_case, dict(history)).response == "pr"
    base_case["tumour"]["extrahepatic"] = True
    plan = _followup_plan(base_case, dict(history))
    assert (plan.response, plan.response_computed) == ("pd", True)

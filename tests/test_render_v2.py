"""The chat shows version-2 parts of a plan in words a clinician would write, never as codes."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from flows.render import render_plan, summary_line
from planner import Case, plan_case
from tests.scripts import with_every_gate

CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
"""An identifier such as child_pugh_c or tace_plus_systemic."""


def rendered(case: dict[str, Any]) -> str:
    return render_plan(plan_case(Case.model_validate(case)), "bed7")


def test_every_contraindication_reads_as_a_sentence(base_case: dict[str, Any]) -> None:
    with_every_gate(base_case)
    text = rendered(base_case)
    assert CODE.findall(text) == []
    for words in (
        "Jaundice",
        "Overt hepatic encephalopathy",
        "Infiltrative",
        "Renal insufficiency",
    ):
        assert words in text


@pytest.mark.parametrize(
    "change",
    [
        {"tumour": {"count": 1, "largest_cm": 2.5}},  # BCLC A: alternatives, conditional
        {"tumour": {"pvtt": "vp2"}},  # BCLC C: systemic first, HAIC
        {"tumour": {"count": 5, "largest_cm": 4.0}},  # BCLC B: TACE with systemic
        {"liver": {"inr": 2.6, "platelets": 35.0, "wbc": 4.0}},  # correct first
    ],
)
def test_plans_carry_no_codes(base_case: dict[str, Any], change: dict[str, Any]) -> None:
    case = copy.deepcopy(base_case)
    for key, value in change.items():
        case[key].update(value)
    assert CODE.findall(rendered(case)) == []


def test_conditional_is_on_the_first_line(base_case: dict[str, Any]) -> None:
    base_case["tumour"].update(count=1, largest_cm=2.5)
    plan = plan_case(Case.model_validate(base_case))
    first = render_plan(plan, "bed7").splitlines()[0]
    assert (
        first
        == "Super-selective TACE · bed7, if resection, ablation and transplant are not feasible"
    )
    assert summary_line(plan).endswith("(if resection, ablation and transplant are not feasible)")


def test_course_in_words(base_case: dict[str, Any]) -> None:
    base_case["liver"]["ast"] = 80.0
    base_case["history"] = {
        "last_intervention": "2026-10-01",
        "sessions": 1,
        "baseline": {"child_pugh_points": 5, "ast": 40.0, "viable_sum_mm": 50.0},
        "followup": {
            "lipiodol": "none", "necrosis": False, "new_lesions": False, "progression": False,
            "viable_sum_mm": 45.0,
        },
    }  # fmt: skip
    text = rendered(base_case)
    assert "mRECIST: stable disease (computed from the viable sums)" in text
    assert "ART score 5: stop TACE" in text
    assert "ART score 5 or more" not in text
    assert CODE.findall(text) == []

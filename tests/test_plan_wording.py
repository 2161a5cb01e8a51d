"""Why each rule applied, and what makes each contraindication, in the words the chat shows.

These sentences were read and approved as written; they are what a clinician sees beside the rule
ids, so a changed word is a changed plan.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from planner import Case, Plan, first_error, plan_case
from planner.settings import ProtocolSettings
from tests.conftest import BASE_CASE
from tests.scripts import with_every_gate
from tests.worded import Worded

SPARSE = {"lipiodol": "sparse", "necrosis": False, "new_lesions": False, "progression": False}


def plan(changes: dict[str, Any] | None = None, settings: ProtocolSettings | None = None,
         **top: Any) -> Any:  # fmt: skip
    case = copy.deepcopy(BASE_CASE)
    for key, value in (changes or {}).items():
        case[key].update(value)
    case.update(top)
    parsed = Case.model_validate(case)
    return Worded(plan_case(parsed) if settings is None else plan_case(parsed, settings=settings))


def reasons(result: Plan) -> dict[str, str]:
    return {r.id: r.reason for r in result.reasons}


def test_reasons_of_a_first_tace() -> None:
    result = plan()
    assert reasons(result) == {
        "P1": "Chosen from tumour, thrombus, cirrhosis, liver function, age and condition.",
        "P8": "Spare the liver: treat through the target vessel only.",
        "P9": "2 tumours: super-selective into each tumour's feeders.",
        "P11": "Search for and treat collateral feeding arteries.",
    }
    assert "Search for and treat collateral feeding arteries (P11)." in result.technique


def test_p2_reason_names_every_cause() -> None:
    result = plan({"liver": {"ascites": "mild", "encephalopathy": "grade_1_2"}}, age=80)
    assert reasons(result)["P2"] == (
        "Plain chemo-embolization, ultra-selective: age 80 (elderly: 75 or more) and severe "
        "cirrhosis (Child-Pugh B7, ascites, encephalopathy)."
    )


@pytest.mark.parametrize(
    ("followup", "rule", "reason"),
    [
        (SPARSE | {"lipiodol": "dense_marginal_defect"}, "P3",
         "Dense lipiodol with a small marginal defect: ethanol into the defect."),
        (SPARSE | {"lipiodol": "dense", "necrosis": True}, "P7",
         "Dense lipiodol, necrosis, no new lesion, no progression: hold."),
        (SPARSE, "P4", "After an earlier intervention, follow-up imaging decides what comes next."),
    ],
)  # fmt: skip
def test_follow_up_reasons(followup: dict[str, Any], rule: str, reason: str) -> None:
    history = {"last_intervention": "2026-10-01", "sessions": 2, "followup": followup}
    assert reasons(plan(history=history))[rule] == reason


def test_every_gate_names_its_finding() -> None:
    case = with_every_gate(copy.deepcopy(BASE_CASE))
    case["liver"]["creatinine"] = {"value": 2.5, "unit": "mg/dL"}
    found = Worded(plan_case(Case.model_validate(case))).contraindication_findings
    assert found == {
        "child_pugh_c": "Child-Pugh C11",  # bilirubin 3 + albumin 1 + INR 1 + ascites 3 + HE 3
        "ecog_3_4": "ECOG 3",
        "jaundice": "bilirubin 5 mg/dL",
        "overt_encephalopathy": "encephalopathy grade 3-4",
        "refractory_ascites": "moderate to severe ascites",
        "infiltrative_tumour": "infiltrative tumour",
        "main_trunk_pvtt_without_collaterals": "Vp4, collaterals none, occlusion not stated",
        "renal_insufficiency": "on dialysis; creatinine 2.5 mg/dL",
    }


@pytest.mark.parametrize(
    ("liver", "caution"),
    [
        ({"encephalopathy": "grade_1_2"}, "Encephalopathy grade 1-2: control it before TACE (EASL 2018)."),
        ({"ascites": "mild"}, "Mild ascites: control it before TACE (EASL 2018)."),
    ],
)  # fmt: skip
def test_decompensation_cautions(liver: dict[str, Any], caution: str) -> None:
    assert caution in plan({"liver": liver}).cautions


def test_tace_cautions_are_dropped_beside_no_tace() -> None:
    result = plan({"liver": {"bilirubin": {"value": 3.5, "unit": "mg/dL"}}}, ecog=1)
    assert result.decision == "no_tace"
    assert not any(c.startswith("ECOG 1") for c in result.cautions)


def test_sessions_and_the_art_response_are_asked_for_when_they_decide() -> None:
    history = {"last_intervention": "2026-10-01", "followup": SPARSE,
               "baseline": {"child_pugh_points": 5, "ast": 40.0}}  # fmt: skip
    assert "history.sessions" in plan({"liver": {"ast": 40.0}}, history=history).missing
    history["sessions"] = 1
    missing = plan({"liver": {"ast": 40.0}}, history=history).missing
    assert "history.followup.response" in missing
    assert "history.sessions" not in missing
    residue = {"last_intervention": "2026-10-01", "sessions": 2,
               "followup": SPARSE | {"lipiodol": "dense_marginal_defect", "viable_sum_mm": 40.0}}  # fmt: skip
    assert "history.sessions" not in plan(history=residue).missing


def test_cnlc_iib_with_tace_offers_the_combination_outside_bclc_b() -> None:
    result = plan({"tumour": {"count": 4, "largest_cm": 2.0}}, ecog=1)
    assert (result.bclc, result.cnlc, result.decision) == ("C", "IIb", "tace")
    assert "tace_plus_systemic" in [a.id for a in result.alternatives]


def test_child_pugh_c_of_another_tumour_is_offered_supportive_care() -> None:
    result = plan({"tumour": {"type": "icc"}, "liver": {
        "ascites": "mild", "encephalopathy": "grade_1_2", "inr": 2.4,
        "albumin": {"value": 2.7, "unit": "g/dL"}}})  # fmt: skip
    assert result.child_pugh.class_ == "C"
    assert [a.id for a in result.alternatives] == ["best_supportive_care"]


@pytest.mark.parametrize("stop", ["refractory", "art"])
def test_a_stop_rule_alone_puts_systemic_first(stop: str) -> None:
    if stop == "refractory":
        failing = SPARSE | {"progression": True}
        history: dict[str, Any] = {"last_intervention": "2026-10-01", "sessions": 2,
                                   "followup": failing, "previous_followups": [failing]}  # fmt: skip
        liver: dict[str, Any] = {}
    else:
        history = {"last_intervention": "2026-10-01", "sessions": 1,
                   "baseline": {"child_pugh_points": 5, "ast": 40.0},
                   "followup": SPARSE | {"response": "sd"}}  # fmt: skip
        liver = {"ast": 60.0}
    result = plan({"tumour": {"count": 1, "largest_cm": 2.5}, "liver": liver}, history=history)
    assert result.decision == "no_tace"
    assert result.alternatives[0].id == "systemic"


def test_a_flag_can_say_the_plan_would_become_conditional() -> None:
    older = ProtocolSettings(bclc_inclusive_cut_offs=False)
    result = plan({"tumour": {"largest_cm": 3.0}}, older)
    assert (result.bclc, result.conditional) == ("B", None)
    flag = next(f for f in result.flags if f.startswith("BCLC A vs B"))
    assert flag.endswith("With that convention: BCLC A, conditional.")


def test_ecog_flag_stages_by_the_burden_under_the_edition_used() -> None:
    result = plan({"tumour": {"largest_cm": 3.0}}, ecog=1)
    assert any(f.endswith("would stage it BCLC A.") for f in result.flags)
    older = plan({"tumour": {"largest_cm": 3.0}}, ProtocolSettings(bclc_inclusive_cut_offs=False),
                 ecog=1)  # fmt: skip
    assert any(f.endswith("would stage it BCLC B.") for f in older.flags)


def test_flags_under_the_other_conventions_name_the_default_as_the_other() -> None:
    harrison = plan({"liver": {"albumin": {"value": 2.9, "unit": "g/dL"}}},
                    ProtocolSettings(child_pugh_albumin_low_g_dl=3.0))  # fmt: skip
    assert any(f.startswith("Child-Pugh albumin: 2.9 g/dL scores 3 with the 3.0 g/dL cut-off used "
                            "but 2 with the 2.8 g/dL cut-off (Pugh's)") for f in harrison.flags)  # fmt: skip
    b9 = {"liver": {"bilirubin": {"value": 2.5, "unit": "mg/dL"},
                    "albumin": {"value": 2.9, "unit": "g/dL"}, "inr": 2.0, "ascites": "mild"}}  # fmt: skip
    other = plan(b9, ProtocolSettings(albi_albumin_coefficient=-0.0852))
    assert any(f.startswith("ALBI grade: 2 with the albumin coefficient -0.0852 (used) but 3 with "
                            "-0.085") for f in other.flags)  # fmt: skip


@pytest.mark.parametrize(
    ("bilirubin", "unit", "flags"),
    [
        (2.99, "mg/dL", ["Child-Pugh bilirubin: 2.99 mg/dL scores 2 by the table of the unit entered "
                         "but 3 by the umol/L table"]),
        (2.95, "mg/dL", ["Child-Pugh bilirubin: 50.4 umol/L scores 2 here but 3 by the SI tables"]),
    ],
)  # fmt: skip
def test_one_flag_per_disputed_bilirubin(bilirubin: float, unit: str, flags: list[str]) -> None:
    result = plan({"liver": {"bilirubin": {"value": bilirubin, "unit": unit}}})
    got = [f for f in result.flags if f.startswith("Child-Pugh bilirubin")]
    assert len(got) == len(flags)
    assert all(g.startswith(f) for g, f in zip(got, flags, strict=True))


def test_albi_flag_reads_si_bilirubin() -> None:
    result = plan({"liver": {"bilirubin": {"value": 42.8, "unit": "umol/L"},
                             "albumin": {"value": 2.9, "unit": "g/dL"}, "inr": 2.0,
                             "ascites": "mild"}})  # fmt: skip
    assert any(
        f.startswith("ALBI grade: 3 with the albumin coefficient -0.085") for f in result.flags
    )


def test_ucsf_flag_says_nothing_else_changes() -> None:
    result = plan({"tumour": {"count": 3, "largest_cm": 2.7}})
    assert (
        "UCSF: the total diameter is taken as 3 x 2.7 = 8.1 cm (conservative, only the largest is "
        "entered), above 8 cm; with the real diameters of the smaller nodules the tumour may be "
        "within UCSF. The class, the stage and the decision stay the same either way."
    ) in result.flags


def test_infiltrative_early_stage_keeps_its_own_advice() -> None:
    advice = plan({"tumour": {"count": 1, "largest_cm": 2.5, "infiltrative": True}}).stage_advice
    assert (advice or "").startswith("TACE is contraindicated for this patient")
    assert "BCLC A: resection, ablation or transplant come first" in (advice or "")


def test_no_portal_caution_without_a_thrombus() -> None:
    result = plan({"tumour": {"pvtt": "none", "pvtt_collaterals": True}})
    assert not any("impaired portal flow" in c for c in result.cautions)


def test_response_source_is_reported() -> None:
    assert plan().response_computed is False
    history = {"last_intervention": "2026-10-01", "sessions": 2,
               "followup": SPARSE | {"response": "sd", "new_lesions": True}}  # fmt: skip
    corrected = plan(history=history)
    assert (corrected.response, corrected.response_computed) == ("pd", False)
    assert corrected.response_corrected is True
    assert (
        plan(history=history | {"followup": SPARSE | {"response": "sd"}}).response_corrected
        is False
    )


def test_the_course_lines_say_a_corrected_reading_and_never_that_tace_may_continue() -> None:
    """Beside a hold or a stop rule, the ART line gives the score and its threshold only."""
    from flows.render import render_plan

    baseline = {"child_pugh_points": 5, "ast": 40.0}
    history = {
        "last_intervention": "2026-10-01", "sessions": 1, "baseline": baseline,
        "followup": SPARSE | {"response": "pr", "new_lesions": True},
    }  # fmt: skip
    text = render_plan(plan({"liver": {"ast": 40.0}}, history=history).plan)
    assert "mRECIST: progressive disease (the reading corrected, see the cautions)." in text
    held = history | {
        "followup": SPARSE | {"lipiodol": "dense", "necrosis": True, "response": "pr"}
    }
    text = render_plan(plan({"liver": {"ast": 40.0}}, history=held).plan)
    assert "ART score 0: below the stop threshold of 2.5." in text
    assert "may continue" not in text


def test_an_input_that_is_not_an_object_is_named_input() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        Case.model_validate("not a case")
    assert first_error(caught.value).startswith("input: ")

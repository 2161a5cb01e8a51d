"""Version 2 of the planner, rule by rule and both sides of every threshold (safety-and-course.md).

Behaviour, not output copies: each test builds the case a clinician would describe and asserts what the
documents say the plan must do with it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict
from typing import Any

import pytest

from planner import Case, Plan, plan_case, renal
from planner.models import Sex
from planner.settings import ProtocolSettings, Refractoriness
from tests.scripts import with_every_gate
from tests.test_plan_command import call, with_change
from tests.worded import Worded, english


def plan(case: dict[str, Any], settings: ProtocolSettings | None = None) -> Any:
    parsed = Case.model_validate(case)
    return Worded(plan_case(parsed) if settings is None else plan_case(parsed, settings=settings))


def followup(**changes: Any) -> dict[str, Any]:
    """Sparse lipiodol without necrosis: follow-up that would treat again unless something stops it."""
    return {
        "lipiodol": "sparse",
        "necrosis": False,
        "new_lesions": False,
        "progression": False,
    } | changes


def with_history(case: dict[str, Any], **history: Any) -> dict[str, Any]:
    out = copy.deepcopy(case)
    out["history"] = {"last_intervention": "2026-10-01", "recovered_on": "2026-10-10"} | history
    return out


# ---------------------------------------------------------------------------------------------------
# Renal function (section 9)


def test_cockcroft_gault_worked_example() -> None:
    """(140 - 84) x 45 / (72 x 1.6) x 0.85 = 18.6 mL/min."""
    assert renal.cockcroft_gault(84, 45, 1.6, Sex.FEMALE) == 18.6
    assert renal.cockcroft_gault(84, 45, 1.6, Sex.MALE) == 21.9


@pytest.mark.parametrize(
    ("sex", "creatinine", "expected"),
    [
        # 142 x max(1.0/0.9, 1)^-1.2 x 0.9938^50 = 91.7
        (Sex.MALE, 1.0, 91.7),
        # 142 x max(1.0/0.7, 1)^-1.2 x 0.9938^50 x 1.012 = 68.6
        (Sex.FEMALE, 1.0, 68.6),
        # below kappa: 142 x (0.5/0.7)^-0.241 x 0.9938^50 x 1.012 = 114.2
        (Sex.FEMALE, 0.5, 114.2),
    ],
)
def test_ckd_epi_2021(sex: Sex, creatinine: float, expected: float) -> None:
    assert renal.ckd_epi_2021(50, creatinine, sex) == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize(
    ("weight", "crcl", "contraindicated"),
    [(61.6, 29.9, True), (61.7, 30.0, False)],  # 70 years, male, 2.0 mg/dL: 70 x w / 144
)
def test_clearance_below_30_is_renal_insufficiency(
    base_case: dict[str, Any], weight: float, crcl: float, contraindicated: bool
) -> None:
    base_case.update(age=70, sex="male", weight_kg=weight)
    base_case["liver"]["creatinine"] = {"value": 2.0, "unit": "mg/dL"}
    result = plan(base_case)
    assert result.crcl == crcl
    assert ("renal_insufficiency" in result.contraindications) is contraindicated
    assert result.egfr is not None
    assert any("overestimate" in n for n in result.notes)


def test_clearance_needs_sex_and_weight(base_case: dict[str, Any]) -> None:
    result = plan(base_case)
    assert (result.crcl, result.egfr) == (None, None)
    assert {"sex", "weight_kg"} <= set(result.missing)
    base_case["liver"]["bilirubin"] = {"value": 4.0, "unit": "mg/dL"}
    assert not {"sex", "weight_kg"} & set(plan(base_case).missing), (
        "no TACE: the clearance cannot matter"
    )


# ---------------------------------------------------------------------------------------------------
# Gates and the order they are listed in (section 1)


def test_every_gate_that_applies_is_listed_in_order(base_case: dict[str, Any]) -> None:
    with_every_gate(base_case)
    assert plan(base_case).contraindications == [
        "child_pugh_c", "ecog_3_4", "jaundice", "overt_encephalopathy", "refractory_ascites",
        "infiltrative_tumour", "main_trunk_pvtt_without_collaterals", "renal_insufficiency",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("tumour", "gate", "missing"),
    [
        ({"pvtt_collaterals": False}, True, {"tumour.pvtt_occlusion"}),
        ({}, True, {"tumour.pvtt_occlusion", "tumour.pvtt_collaterals"}),
        ({"pvtt_collaterals": False, "pvtt_occlusion": "complete"}, True, set()),
        ({"pvtt_collaterals": False, "pvtt_occlusion": "partial"}, False, set()),
        ({"pvtt_collaterals": True}, False, set()),
    ],
)
def test_main_trunk_thrombus_is_refined_by_occlusion(
    base_case: dict[str, Any], tumour: dict[str, Any], gate: bool, missing: set[str]
) -> None:
    del base_case["tumour"]["pvtt_collaterals"]
    base_case["tumour"].update(pvtt="vp4", **tumour)
    result = plan(base_case)
    assert ("main_trunk_pvtt_without_collaterals" in result.contraindications) is gate
    assert missing <= set(result.missing)
    partial = any("partial occlusion" in c for c in result.cautions)
    assert partial is (tumour.get("pvtt_occlusion") == "partial")


@pytest.mark.parametrize(
    ("liver", "gate", "caution"),
    [
        ({"encephalopathy": "grade_1_2"}, None, "Encephalopathy grade 1-2"),
        ({"encephalopathy": "grade_3_4"}, "overt_encephalopathy", None),
        ({"ascites": "mild"}, None, "Mild ascites"),
        ({"ascites": "moderate_severe"}, "refractory_ascites", None),
    ],
)
def test_decompensation_graded(
    base_case: dict[str, Any], liver: dict[str, Any], gate: str | None, caution: str | None
) -> None:
    base_case["liver"].update(liver)
    result = plan(base_case)
    assert result.contraindications == ([gate] if gate else [])
    assert any(caution in c for c in result.cautions) is (caution is not None)


def test_infiltrative_tumour_is_no_tace_with_systemic_first(base_case: dict[str, Any]) -> None:
    base_case["tumour"]["infiltrative"] = True
    result = plan(base_case)
    assert (result.decision, result.contraindications) == ("no_tace", ["infiltrative_tumour"])
    assert result.alternatives[0].id == "systemic"


# ---------------------------------------------------------------------------------------------------
# Correct first (section 2) and cautions (section 3)


@pytest.mark.parametrize(
    ("inr", "platelets", "count"),
    [(1.8, 50.0, 0), (1.81, 50.0, 1), (1.8, 49.9, 1), (2.6, 35.0, 2)],
)
def test_values_to_correct_first_leave_the_decision(
    base_case: dict[str, Any], inr: float, platelets: float, count: int
) -> None:
    base_case["liver"].update(inr=inr, platelets=platelets, wbc=5.0)
    result = plan(base_case)
    assert result.decision in ("tace", "simple_tace")
    assert len(result.before_procedure) == count


def test_nothing_to_correct_when_nothing_is_done(base_case: dict[str, Any]) -> None:
    base_case["liver"].update(inr=2.6, platelets=35.0, bilirubin={"value": 6.0, "unit": "mg/dL"})
    result = plan(base_case)
    assert (result.decision, result.before_procedure, result.checklist) == ("no_tace", [], [])


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"tumour": {"extrahepatic": True}}, "Extrahepatic spread"),
        ({"tumour": {"burden_ge_70pct": True}}, "70 % or more of the liver"),
    ],
)
def test_cautions_added(base_case: dict[str, Any], change: dict[str, Any], text: str) -> None:
    for key, value in change.items():
        base_case[key].update(value)
    assert any(text in c for c in plan(base_case).cautions)


@pytest.mark.parametrize(("meld", "caution"), [(14, False), (15, True)])
def test_meld_15_refers_for_transplant(
    base_case: dict[str, Any], meld: int, caution: bool
) -> None:
    from planner import child_pugh
    from planner.contraindications import assess

    case = Case.model_validate(base_case)
    liver = case.liver
    cp = child_pugh.child_pugh(
        liver.bilirubin.value, liver.bilirubin.unit, liver.albumin.value, liver.albumin.unit,
        liver.inr, liver.ascites, liver.encephalopathy,
    )  # fmt: skip
    cautions = english(assess(case, cp, meld).general_cautions)
    assert any("transplant evaluation" in c for c in cautions) is caution
    base_case["tumour"]["type"] = "metastasis"
    other = assess(Case.model_validate(base_case), cp, meld).general_cautions
    assert not any("transplant" in c for c in other), "transplant evaluation is for HCC"


def test_age_rule_of_p2_is_for_hcc_only(base_case: dict[str, Any]) -> None:
    base_case["age"] = 80
    assert plan(base_case).decision == "simple_tace"
    base_case["tumour"]["type"] = "icc"
    result = plan(base_case)
    assert result.decision == "tace"
    assert any("multidisciplinary team" in n for n in result.notes)
    base_case["liver"]["ascites"] = "mild"
    assert plan(base_case).decision == "simple_tace", "severe cirrhosis still triggers P2"


# ---------------------------------------------------------------------------------------------------
# mRECIST (section 6)


@pytest.mark.parametrize(
    ("findings", "baseline", "response"),
    [
        ({"viable_sum_mm": 35.0}, 50.0, "pr"),  # exactly -30 %
        ({"viable_sum_mm": 35.1}, 50.0, "sd"),
        ({"viable_sum_mm": 0.0}, 50.0, "cr"),
        ({"viable_sum_mm": 60.0}, 50.0, "pd"),  # +20 % over baseline, no nadir given
        ({"viable_sum_mm": 59.9}, 50.0, "sd"),
        ({"viable_sum_mm": 24.0, "nadir_viable_sum_mm": 20.0}, 50.0, "pd"),  # +20 % over nadir
        ({"viable_sum_mm": 23.9, "nadir_viable_sum_mm": 20.0}, 50.0, "pr"),
        ({"viable_sum_mm": 10.0, "new_lesions": True}, 50.0, "pd"),
        ({"viable_sum_mm": 30.0}, None, None),  # no baseline sum nor nadir: PR or SD unknown
        ({"new_lesions": True}, 50.0, None),  # no sum now: not computed (vectors-v2 V18)
        ({"viable_sum_mm": 10.0, "new_lesions": True}, None, "pd"),  # with a sum: PD, no baseline
        ({"viable_sum_mm": 0.0}, None, "cr"),  # a sum of 0 is CR without a baseline
        ({"viable_sum_mm": 30.0, "nadir_viable_sum_mm": 25.0}, None, "pd"),  # +20 % over nadir
        ({"viable_sum_mm": 29.9, "nadir_viable_sum_mm": 25.0}, None, None),
        ({"viable_sum_mm": 5.0, "nadir_viable_sum_mm": 0.0}, None, "pd"),  # back after CR
        ({"response": "sd", "viable_sum_mm": 10.0}, 50.0, "sd"),  # the radiologist's category wins
    ],
)
def test_mrecist_response(
    base_case: dict[str, Any],
    findings: dict[str, Any],
    baseline: float | None,
    response: str | None,
) -> None:
    history: dict[str, Any] = {"sessions": 2, "followup": followup(**findings)}
    if baseline is not None:
        history["baseline"] = {"viable_sum_mm": baseline}
    result = plan(with_history(base_case, **history))
    assert result.response == response
    assert result.response_computed is (response is not None and "response" not in findings)


def test_radiologist_and_sums_disagreeing_is_flagged_with_what_it_changes(
    base_case: dict[str, Any],
) -> None:
    """PR read, PD by the sums over the nadir: ART's response point flips from 0 to 1."""
    case = art_case(base_case, points=5, now_ast=40.0, response="pr")
    case["history"]["baseline"]["viable_sum_mm"] = 80.0
    case["history"]["followup"].update(viable_sum_mm=62.0, nadir_viable_sum_mm=50.0)
    result = plan(case)
    assert (result.response, result.response_computed) == ("pr", False)
    flag = next(f for f in result.flags if f.startswith("mRECIST"))
    assert "the viable sums give PD" in flag
    assert "stay the same" in flag
    by_sums = plan(case, ProtocolSettings(mrecist_from_sums=True))
    assert (by_sums.response, by_sums.decision) == ("pd", "tace")


@pytest.mark.parametrize(
    ("findings", "response", "decision"),
    [
        ({"response": "sd", "new_lesions": True}, "pd", "tace"),  # a new lesion is PD
        ({"response": "cr", "new_lesions": True}, "pd", "tace"),
        ({"response": "cr", "viable_sum_mm": 20.0}, "pr", "tace"),  # CR with viable tumour
        ({"response": "cr", "viable_sum_mm": 0.0}, "cr", "hold"),
    ],
)
def test_a_given_category_that_contradicts_mrecist_is_corrected(
    base_case: dict[str, Any], findings: dict[str, Any], response: str, decision: str
) -> None:
    case = with_history(
        base_case, sessions=2, baseline={"viable_sum_mm": 50.0}, followup=followup(**findings)
    )
    result = plan(case)
    assert (result.response, result.decision) == (response, decision)
    corrected = findings.get("viable_sum_mm", 0) > 0 or findings.get("new_lesions", False)
    assert any(c.startswith("mRECIST:") for c in result.cautions) is corrected


@pytest.mark.parametrize(("residue", "decision"), [(30.0, "ethanol_injection"), (31.0, "tace")])
def test_ethanol_only_for_a_small_residue(
    base_case: dict[str, Any], residue: float, decision: str
) -> None:
    case = with_history(
        base_case,
        sessions=1,
        followup=followup(lipiodol="dense_marginal_defect", viable_sum_mm=residue),
    )
    assert plan(case).decision == decision


@pytest.mark.parametrize(
    ("findings", "decision"),
    [
        ({"lipiodol": "dense_marginal_defect", "response": "cr"}, "hold"),  # CR beats P3
        ({"lipiodol": "dense_marginal_defect"}, "ethanol_injection"),
        ({"lipiodol": "dense", "necrosis": True, "response": "pd"}, "tace"),  # PD beats P7
        ({"lipiodol": "dense", "necrosis": True}, "hold"),
        ({"lipiodol": "none", "response": "pr"}, "tace"),
        ({"lipiodol": "none", "response": "sd"}, "tace"),
        ({"lipiodol": "none", "response": "cr"}, "hold"),
        ({"lipiodol": "none"}, "tace"),
    ],
)
def test_response_decides_at_follow_up(
    base_case: dict[str, Any], findings: dict[str, Any], decision: str
) -> None:
    result = plan(with_history(base_case, sessions=2, followup=followup(**findings)))
    assert result.decision == decision
    no_response = findings.get("lipiodol") == "none" and "response" not in findings
    assert ("history.followup.response" in result.missing) is no_response


# ---------------------------------------------------------------------------------------------------
# ART (section 4)


def art_case(
    base_case: dict[str, Any], *, points: int = 5, ast: float = 40.0, now_ast: float = 40.0,
    response: str = "pr", sessions: int = 1,
) -> dict[str, Any]:  # fmt: skip
    case = with_history(
        base_case,
        sessions=sessions,
        baseline={"child_pugh_points": points, "ast": ast},
        followup=followup(response=response),
    )
    case["liver"]["ast"] = now_ast
    return case


CHILD_PUGH_6 = {"albumin": {"value": 3.0, "unit": "g/dL"}}
CHILD_PUGH_7 = {"albumin": {"value": 3.0, "unit": "g/dL"}, "inr": 1.8}


@pytest.mark.parametrize(
    ("liver", "change", "score", "decision"),
    [
        ({}, {}, 0.0, "tace"),
        ({}, {"response": "sd"}, 1.0, "tace"),
        ({}, {"now_ast": 50.0}, 0.0, "tace"),  # exactly +25 %: not more than 25 %
        ({}, {"now_ast": 50.1}, 4.0, "no_tace"),
        (CHILD_PUGH_6, {}, 1.5, "tace"),  # Child-Pugh 5 -> 6: a rise of 1
        (CHILD_PUGH_6, {"response": "sd"}, 2.5, "no_tace"),  # exactly 2.5 stops
        (CHILD_PUGH_7, {}, 3.0, "no_tace"),  # 5 -> 7: a rise of 2
        (CHILD_PUGH_6, {"points": 6}, 0.0, "tace"),
    ],
)
def test_art_score(
    base_case: dict[str, Any],
    liver: dict[str, Any],
    change: dict[str, Any],
    score: float,
    decision: str,
) -> None:
    base_case["liver"].update(liver)
    result = plan(art_case(base_case, **change))
    assert result.art is not None
    assert (result.art.score, result.art.stop) == (score, score >= 2.5)
    assert result.decision == decision
    assert ("art_score_high" in result.contraindications) is (decision == "no_tace")
    if decision == "no_tace":
        assert result.alternatives[0].id == "systemic"
        assert any("Taiwanese" in n for n in result.notes)


@pytest.mark.parametrize(
    ("drop", "key"),
    [("baseline_ast", "history.baseline.ast"), ("now_ast", "liver.ast"),
     ("points", "history.baseline.child_pugh_points")],
)  # fmt: skip
def test_art_is_never_computed_from_a_partial_set(
    base_case: dict[str, Any], drop: str, key: str
) -> None:
    case = art_case(base_case, response="sd", now_ast=80.0)
    if drop == "baseline_ast":
        del case["history"]["baseline"]["ast"]
    elif drop == "now_ast":
        del case["liver"]["ast"]
    else:
        del case["history"]["baseline"]["child_pugh_points"]
    result = plan(case)
    assert result.art is None
    assert key in result.missing
    assert result.decision == "tace"


def test_art_only_before_the_second_tace(base_case: dict[str, Any]) -> None:
    assert plan(art_case(base_case, sessions=2, now_ast=80.0, response="sd")).art is None


def test_art_is_reported_beside_a_hold_but_does_not_stop_it(base_case: dict[str, Any]) -> None:
    result = plan(art_case(base_case, now_ast=80.0, response="cr"))
    assert result.art is not None
    assert result.art.score == 4.0
    assert (result.decision, result.contraindications) == ("hold", [])


# ---------------------------------------------------------------------------------------------------
# Refractoriness (section 5)


def test_two_insufficient_responses_in_a_row_are_refractory(base_case: dict[str, Any]) -> None:
    case = with_history(
        base_case,
        sessions=2,
        followup=followup(viable_over_50pct=True),
        previous_followups=[followup(viable_over_50pct=True)],
    )
    result = plan(case)
    assert (result.refractory, result.decision) == (True, "no_tace")
    assert result.contraindications == ["tace_refractory"]
    assert result.alternatives[0].id == "systemic"
    flag = next(f for f in result.flags if "refractoriness" in f)
    assert "Chinese" in flag
    assert "With that convention: super-selective TACE" in flag


@pytest.mark.parametrize(
    ("previous", "current"),
    [(followup(viable_over_50pct=True), followup()), (followup(), followup(new_lesions=True))],
)
def test_one_failing_follow_up_is_not_refractory(
    base_case: dict[str, Any], previous: dict[str, Any], current: dict[str, Any]
) -> None:
    result = plan(
        with_history(base_case, sessions=2, followup=current, previous_followups=[previous])
    )
    assert (result.refractory, result.decision) == (False, "tace")


def test_chinese_consensus_needs_three(base_case: dict[str, Any]) -> None:
    chinese = ProtocolSettings(refractoriness=Refractoriness.CHINESE_CONSENSUS_2022)
    bad = followup(progression=True)
    two = with_history(base_case, sessions=2, followup=bad, previous_followups=[bad])
    result = plan(two, chinese)
    assert (result.refractory, result.decision) == (False, "tace")
    assert any("not refractory by the Chinese" in f and "no TACE" in f for f in result.flags)
    three = with_history(base_case, sessions=3, followup=bad, previous_followups=[bad, bad])
    assert plan(three, chinese).refractory is True


@pytest.mark.parametrize(
    ("tumour", "baseline", "refractory"),
    [
        ({"extrahepatic": True}, {"extrahepatic": False}, True),
        ({"extrahepatic": True}, {"extrahepatic": True}, False),
        ({"pvtt": "vp2"}, {"pvtt": "none"}, True),
        ({"pvtt": "vp2"}, {"pvtt": "vp2"}, False),
    ],
)
def test_invasion_appearing_after_tace_is_refractory(
    base_case: dict[str, Any], tumour: dict[str, Any], baseline: dict[str, Any], refractory: bool
) -> None:
    base_case["tumour"].update(tumour)
    result = plan(with_history(base_case, sessions=1, baseline=baseline, followup=followup()))
    assert result.refractory is refractory
    assert ("tace_refractory" in result.contraindications) is refractory


def test_new_spread_is_progression_even_beside_dense_lipiodol(base_case: dict[str, Any]) -> None:
    """P7 needs no new lesion and no progression: spread absent at baseline is both."""
    base_case["tumour"]["extrahepatic"] = True
    case = with_history(
        base_case,
        sessions=1,
        baseline={"extrahepatic": False},
        followup=followup(lipiodol="dense", necrosis=True),
    )
    result = plan(case)
    assert (result.refractory, result.decision) == (True, "no_tace")
    assert result.contraindications == ["tace_refractory"]
    assert not any("treat again." in n for n in result.notes), (
        "no note may contradict the decision"
    )


def test_stop_rules_are_not_listed_beside_a_hold_or_a_patient_gate(
    base_case: dict[str, Any],
) -> None:
    """ART 4 (AST up) beside a CR hold; refractory beside jaundice: neither is listed."""
    assert plan(art_case(base_case, now_ast=80.0, response="cr")).contraindications == []
    base_case["tumour"]["extrahepatic"] = True
    case = with_history(
        base_case, sessions=1, baseline={"extrahepatic": False}, followup=followup()
    )
    case["liver"]["bilirubin"] = {"value": 4.0, "unit": "mg/dL"}
    result = plan(case)
    assert result.refractory is True
    assert result.contraindications == ["jaundice"]


def test_no_follow_up_no_course_values(base_case: dict[str, Any]) -> None:
    result = plan(base_case)
    assert (result.response, result.refractory, result.art) == (None, None, None)


# ---------------------------------------------------------------------------------------------------
# Transplant criteria, HAP (sections 7, 8)


@pytest.mark.parametrize(
    ("count", "cm", "milan", "ucsf", "up_to_seven"),
    [
        (1, 5.0, True, True, True), (1, 5.1, False, True, True),
        (1, 6.5, False, True, False), (1, 6.6, False, False, False),
        (3, 3.0, True, False, True), (3, 3.1, False, False, True),
        (2, 4.0, False, True, True), (3, 4.5, False, False, False),
        (3, 4.0, False, False, True), (3, 4.1, False, False, False),
    ],
)  # fmt: skip
def test_transplant_criteria(
    base_case: dict[str, Any], count: int, cm: float, milan: bool, ucsf: bool, up_to_seven: bool
) -> None:
    base_case["tumour"].update(count=count, largest_cm=cm)
    result = plan(base_case)
    assert result.transplant is not None
    assert (result.transplant.milan, result.transplant.ucsf, result.transplant.up_to_seven) == (
        milan, ucsf, up_to_seven,
    )  # fmt: skip


def test_invasion_excludes_every_transplant_criterion(base_case: dict[str, Any]) -> None:
    base_case["tumour"].update(count=1, largest_cm=2.0, pvtt="vp1")
    result = plan(base_case)
    assert result.transplant is not None
    assert asdict(result.transplant) == {"milan": False, "ucsf": False, "up_to_seven": False}
    base_case["tumour"]["type"] = "metastasis"
    assert plan(base_case).transplant is None


@pytest.mark.parametrize(
    ("albumin", "afp", "bilirubin", "cm", "hap"),
    [
        (36.0, 400.0, 17.0, 7.0, "A"),
        (35.9, 400.0, 17.0, 7.0, "B"),
        (36.0, 400.1, 17.1, 7.0, "C"),
        (35.0, 401.0, 18.0, 7.0, "D"),
        (35.0, 401.0, 18.0, 7.1, "D"),
    ],
)
def test_hap_class(
    base_case: dict[str, Any], albumin: float, afp: float, bilirubin: float, cm: float, hap: str
) -> None:
    base_case["tumour"].update(afp=afp, count=1, largest_cm=cm)
    base_case["liver"].update(
        albumin={"value": albumin, "unit": "g/L"}, bilirubin={"value": bilirubin, "unit": "umol/L"}
    )
    assert plan(base_case).hap == hap


def test_hap_needs_afp(base_case: dict[str, Any]) -> None:
    result = plan(base_case)
    assert result.hap is None
    assert "tumour.afp" in result.missing


# ---------------------------------------------------------------------------------------------------
# Alternatives, the conditional line, the checklist (sections 7, 10)


def ids(result: Plan) -> list[str]:
    return [a.id for a in result.alternatives]


def test_bclc_a_is_conditional_with_curative_options_first(base_case: dict[str, Any]) -> None:
    base_case["tumour"].update(count=1, largest_cm=2.5)
    result = plan(base_case)
    assert (result.bclc, result.decision) == ("A", "tace")
    assert result.conditional is not None
    assert ids(result)[:3] == ["ablation", "resection", "transplant"]
    assert "systemic" not in ids(result)


def test_no_conditional_without_tace(base_case: dict[str, Any]) -> None:
    base_case["tumour"].update(count=1, largest_cm=2.5)
    base_case["liver"]["bilirubin"] = {"value": 4.0, "unit": "mg/dL"}
    assert plan(base_case).conditional is None


def test_bclc_b_with_tace_offers_the_combination(base_case: dict[str, Any]) -> None:
    base_case["tumour"].update(count=4, largest_cm=3.0)
    result = plan(base_case)
    assert (result.bclc, result.conditional) == ("B", None)
    assert "tace_plus_systemic" in ids(result)
    assert "ablation" not in ids(result)


def test_bclc_c_leads_with_systemic_and_offers_haic(base_case: dict[str, Any]) -> None:
    base_case["tumour"]["pvtt"] = "vp2"
    result = plan(base_case)
    assert result.bclc == "C"
    assert ids(result)[0] == "systemic"
    assert "haic" in ids(result)
    assert "nivolumab-ipilimumab" in result.alternatives[0].text


def test_bclc_d_offers_supportive_care(base_case: dict[str, Any]) -> None:
    base_case["ecog"] = 3
    assert "best_supportive_care" in ids(plan(base_case))


@pytest.mark.parametrize(("ecog", "offered"), [(1, True), (2, False)])
def test_tare_needs_ecog_0_1(base_case: dict[str, Any], ecog: int, offered: bool) -> None:
    base_case.update(ecog=ecog)
    base_case["tumour"].update(count=1, largest_cm=8.0)
    assert ("tare" in ids(plan(base_case))) is offered


def test_checklist_on_every_plan_that_intervenes(base_case: dict[str, Any]) -> None:
    assert len(plan(base_case).checklist) == 8
    ethanol = plan(
        with_history(base_case, sessions=1, followup=followup(lipiodol="dense_marginal_defect"))
    )
    assert ethanol.decision == "ethanol_injection"
    assert 0 < len(ethanol.checklist) < 8
    assert not any("doxorubicin" in item for item in ethanol.checklist)


# ---------------------------------------------------------------------------------------------------
# Flags that say what the other convention changes (section 11)


def test_albumin_flag_says_the_class_and_decision_flip(base_case: dict[str, Any]) -> None:
    base_case["liver"].update(
        bilirubin={"value": 2.5, "unit": "mg/dL"},
        albumin={"value": 2.9, "unit": "g/dL"},
        inr=2.0,
        ascites="mild",
    )
    result = plan(base_case)
    assert (result.child_pugh.class_, result.child_pugh.points) == ("B", 9)
    flag = next(f for f in result.flags if "albumin" in f)
    assert "Child-Pugh C10" in flag
    assert "no TACE" in flag


def test_bclc_three_cm_flag_says_stage_b_and_not_conditional(base_case: dict[str, Any]) -> None:
    base_case["tumour"]["largest_cm"] = 3.0
    result = plan(base_case)
    assert (result.bclc, result.conditional is not None) == ("A", True)
    flag = next(f for f in result.flags if "BCLC A vs B" in f)
    assert "BCLC B" in flag
    assert "no longer conditional" in flag


def test_elderly_flag_says_the_decision_flips(base_case: dict[str, Any]) -> None:
    base_case["age"] = 74
    flag = next(f for f in plan(base_case).flags if "Elderly" in f)
    assert "With that convention: plain chemo-embolization" in flag


def test_flag_that_changes_nothing_says_so(base_case: dict[str, Any]) -> None:
    base_case["liver"]["bilirubin"] = {"value": 2.5, "unit": "mg/dL"}
    base_case["liver"]["albumin"] = {"value": 2.9, "unit": "g/dL"}
    result = plan(base_case)  # Child-Pugh 2+2+1+1+1 = B7 either way 3 points for albumin -> B8
    flag = next(f for f in result.flags if "albumin" in f)
    assert "Child-Pugh B8" in flag
    albi_flag = [f for f in result.flags if "ALBI grade" in f]
    for text in albi_flag:
        assert "stay the same" in text


# ---------------------------------------------------------------------------------------------------
# Stage advice keyed to the actual stage


def test_stage_advice_names_the_actual_cnlc_stage(base_case: dict[str, Any]) -> None:
    base_case["tumour"]["pvtt"] = "vp2"
    iiia = plan(base_case)
    base_case["tumour"]["extrahepatic"] = True
    iiib = plan(base_case)
    assert (iiia.cnlc, iiib.cnlc) == ("IIIa", "IIIb")
    assert "CNLC IIIa" in (iiia.stage_advice or "")
    assert "CNLC IIIb: systemic therapy first" in (iiib.stage_advice or "")
    assert "2025 update" in (iiib.stage_advice or "")


# ---------------------------------------------------------------------------------------------------
# Bad input: one line naming the field, exit 2, nothing on stdout


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("history.baseline", {"ast": 0}, "history.baseline.ast: must be between 1 and 5000 U/L"),
        ("history.sessions", 0, "history.sessions: must be between 1 and 100 sessions"),
        ("history.followup.viable_sum_mm", -1,
         "history.followup.viable_sum_mm: must be between 0 and 1000 mm"),
        ("history.previous_followups", [1],
         "history.previous_followups[0]: input should be a valid dictionary or instance of Followup"),
        ("history.previous_followups", [{"lipiodol": "dense"}],
         "history.previous_followups[0].necrosis: is required"),
        ("history.baseline", {"asst": 30}, "history.baseline.asst: is not a known field"),
        ("history.followup.response", "partial",
         "history.followup.response: input should be 'cr', 'pr', 'sd' or 'pd'"),
        ("weight_kg", 5, "weight_kg: must be between 20 and 300 kg"),
        ("sex", "f", "sex: input should be 'female' or 'male'"),
        ("tumour.afp", -3, "tumour.afp: must be between 0 and 10000000 ng/mL"),
        ("liver.ast", 9000, "liver.ast: must be between 1 and 5000 U/L"),
        ("tumour.pvtt_occlusion", "half", "tumour.pvtt_occlusion: input should be 'complete' or 'partial'"),
    ],
)  # fmt: skip
def test_version_2_fields_refuse_bad_input(
    base_case: dict[str, Any], path: str, value: Any, message: str
) -> None:
    case = with_history(base_case, sessions=2, followup=followup())
    assert call(with_change(case, path, value)) == (2, "", message + "\n")


def test_the_first_error_is_the_first_field_in_the_contracts_order(
    base_case: dict[str, Any],
) -> None:
    """Earlier follow-ups come last in `history`, so a missing last intervention is said first."""
    case = copy.deepcopy(base_case)
    case["history"] = {"sessions": 2, "previous_followups": [{"lipiodol": "dense"}]}
    assert call(json.dumps(case)) == (2, "", "history.last_intervention: is required\n")


def test_contract_example_with_an_earlier_follow_up_and_one_session_is_accepted(
    base_case: dict[str, Any],
) -> None:
    """The contract's own example gives `sessions: 1` beside one earlier follow-up: not refused."""
    case = with_history(
        base_case, sessions=1, followup=followup(), previous_followups=[followup()]
    )
    status, out, err = call(json.dumps(case))
    assert (status, err) == (0, "")
    assert json.loads(out)["decision"] == "tace"


@pytest.mark.parametrize(("weight", "noted"), [(None, True), (70.0, True)])
def test_renal_estimates_carry_their_caveat(
    base_case: dict[str, Any], weight: float | None, noted: bool
) -> None:
    base_case["sex"] = "female"
    if weight is not None:
        base_case["weight_kg"] = weight
    result = plan(base_case)
    assert result.egfr is not None
    assert (result.crcl is not None) is (weight is not None)
    assert any("overestimate" in n and "kidney function" in n for n in result.notes) is noted


@pytest.mark.parametrize(("meld", "evaluation"), [(14, False), (15, True)])
def test_transplant_alternative_refers_for_evaluation_from_meld_15(
    meld: int, evaluation: bool
) -> None:
    from planner import alternatives

    case = Case.model_validate({**__import__("tests.conftest", fromlist=["BASE_CASE"]).BASE_CASE})
    result = plan_case(case)
    ctx = alternatives.Context(
        case=case, child_pugh=result.child_pugh, albi=result.albi, bclc="A", cnlc="Ib",
        burden=result.tumour_burden, transplant=result.transplant, meld=meld,
        decision=result.decision, refractory=False, art_stop=False,
    )  # fmt: skip
    offered = {a.id: english(a.text) for a in alternatives.offered(ctx)}
    assert ("transplant" in offered) is evaluation
    if evaluation:
        assert "MELD 15: refer for evaluation" in offered["transplant"]


# ---------------------------------------------------------------------------------------------------
# From the clinical review: what a plan says beside a no_tace, and what it may not offer


def test_each_contraindication_says_what_in_this_patient_makes_it(
    base_case: dict[str, Any],
) -> None:
    base_case.update(age=78, sex="female", weight_kg=45.0)
    base_case["liver"].update(
        creatinine={"value": 1.3, "unit": "mg/dL"}, bilirubin={"value": 60.0, "unit": "umol/L"}
    )
    result = plan(base_case)
    assert result.contraindications == ["jaundice", "renal_insufficiency"]
    assert result.contraindication_findings["jaundice"] == "bilirubin 60 umol/L (3.5 mg/dL)"
    assert result.contraindication_findings["renal_insufficiency"] == (
        "creatinine clearance 25.3 mL/min (Cockcroft-Gault, actual weight 45 kg)"
    )


def test_no_tace_in_bclc_b_migrates_to_systemic_therapy(base_case: dict[str, Any]) -> None:
    base_case["liver"]["bilirubin"] = {"value": 3.1, "unit": "mg/dL"}
    result = plan(base_case)
    assert (result.decision, result.bclc) == ("no_tace", "B")
    assert ids(result) == ["systemic"]
    assert (result.stage_advice or "").startswith("TACE is contraindicated for this patient")
    assert result.cautions == [], "cautions about doing TACE are moot beside no TACE"


def test_bclc_d_leads_with_supportive_care_and_invasion_excludes_transplant(
    base_case: dict[str, Any],
) -> None:
    base_case.update(ecog=3)
    base_case["tumour"].update(pvtt="vp2", count=1, largest_cm=2.0)
    base_case["liver"].update(creatinine={"value": 3.0, "unit": "mg/dL"}, inr=2.0)
    result = plan(base_case)
    assert result.meld is not None
    assert result.meld >= 15
    assert ids(result)[0] == "best_supportive_care"
    assert "transplant" not in ids(result)


@pytest.mark.parametrize(
    ("tumour", "excluded"),
    [
        (
            {"infiltrative": True, "count": 1, "largest_cm": 2.0},
            {"ablation", "resection", "transplant", "tare"},
        ),
        ({"burden_ge_70pct": True, "count": 1, "largest_cm": 14.0}, {"resection"}),
    ],
)
def test_no_local_treatment_offered_where_there_is_no_margin(
    base_case: dict[str, Any], tumour: dict[str, Any], excluded: set[str]
) -> None:
    base_case["tumour"].update(tumour)
    assert not excluded & set(ids(plan(base_case)))


def test_child_pugh_c_is_not_offered_ablation(base_case: dict[str, Any]) -> None:
    base_case["tumour"].update(count=1, largest_cm=2.0)
    base_case["liver"].update(
        ascites="mild", encephalopathy="grade_1_2", inr=2.4, albumin={"value": 2.7, "unit": "g/dL"}
    )
    result = plan(base_case)
    assert result.child_pugh.class_ == "C"
    assert "ablation" not in ids(result)


@pytest.mark.parametrize(
    ("count", "cm", "flagged"), [(3, 2.6, False), (3, 2.7, True), (2, 4.1, True)]
)
def test_ucsf_conservative_total_is_flagged(
    base_case: dict[str, Any], count: int, cm: float, flagged: bool
) -> None:
    base_case["tumour"].update(count=count, largest_cm=cm)
    result = plan(base_case)
    assert result.transplant is not None
    assert result.transplant.ucsf is not flagged
    assert any(f.startswith("UCSF: the total diameter") for f in result.flags) is flagged


def test_missing_follow_up_makes_the_plan_provisional_on_its_first_line(
    base_case: dict[str, Any],
) -> None:
    from flows.render import summary_line

    result = plan(with_history(base_case, sessions=1))
    assert (result.decision, result.provisional) == ("tace", True)
    assert "provisional" in summary_line(result)
    assert not plan(base_case).provisional

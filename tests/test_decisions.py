"""The protocol's decision order (protocol.md part D), each branch and threshold on both sides."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner import Case, plan_case
from planner.settings import ProtocolSettings
from tests.worded import Worded


def plan(case: dict[str, Any], settings: ProtocolSettings | None = None) -> Any:
    parsed = Case.model_validate(case)
    return Worded(plan_case(parsed) if settings is None else plan_case(parsed, settings=settings))


def history(**followup: Any) -> dict[str, Any]:
    findings = {"lipiodol": "dense", "necrosis": True, "new_lesions": False, "progression": False}
    findings.update(followup)
    return {
        "last_intervention": "2026-09-01",
        "recovered_on": "2026-09-12",
        "followup": findings,
    }


def test_plain_case_is_superselective_tace(base_case: dict[str, Any]) -> None:
    result = plan(base_case)
    assert (result.decision, result.approach, result.window) == ("tace", "superselective", None)
    assert {"P1", "P8", "P9", "P11"} <= set(result.rules)


@pytest.mark.parametrize(
    ("count", "approach", "rule"), [(3, "superselective", "P9"), (4, "lobar", "P10")]
)
def test_tumour_count_chooses_approach(
    base_case: dict[str, Any], count: int, approach: str, rule: str
) -> None:
    base_case["tumour"]["count"] = count
    result = plan(base_case)
    assert (result.decision, result.approach) == ("tace", approach)
    assert rule in result.rules


def test_exactly_three_tumours_says_so(base_case: dict[str, Any]) -> None:
    base_case["tumour"]["count"] = 3
    assert any("Exactly three" in note for note in plan(base_case).notes)


@pytest.mark.parametrize(("age", "decision"), [(74, "tace"), (75, "simple_tace")])
def test_elderly_threshold(base_case: dict[str, Any], age: int, decision: str) -> None:
    base_case["age"] = age
    result = plan(base_case)
    assert (result.decision, result.approach) == (decision, "superselective")
    assert any("Elderly" in f for f in result.flags), "70-80 is a disputed band"


@pytest.mark.parametrize(("age", "flagged"), [(69, False), (70, True), (79, True), (80, False)])
def test_elderly_band_flag(base_case: dict[str, Any], age: int, flagged: bool) -> None:
    base_case["age"] = age
    assert any("Elderly" in f for f in plan(base_case).flags) is flagged


def test_elderly_threshold_is_a_setting(base_case: dict[str, Any]) -> None:
    base_case["age"] = 72
    assert plan(base_case, ProtocolSettings(elderly_age=70)).decision == "simple_tace"


def test_elderly_with_many_tumours_stays_ultraselective(base_case: dict[str, Any]) -> None:
    base_case.update(age=81)
    base_case["tumour"]["count"] = 6
    result = plan(base_case)
    assert (result.decision, result.approach) == ("simple_tace", "superselective")
    assert "P10" not in result.rules
    assert any("P10 would otherwise" in note for note in result.notes)


@pytest.mark.parametrize(
    ("liver", "decision"),
    [
        ({"albumin": {"value": 3.5, "unit": "g/dL"}}, "tace"),  # Child-Pugh 6
        ({"albumin": {"value": 3.5, "unit": "g/dL"}, "inr": 1.7}, "simple_tace"),  # 7
        ({"ascites": "mild"}, "simple_tace"),  # decompensation, Child-Pugh 6
        ({"encephalopathy": "grade_1_2"}, "simple_tace"),
    ],
)
def test_severe_cirrhosis(base_case: dict[str, Any], liver: dict[str, Any], decision: str) -> None:
    base_case["liver"].update(liver)
    assert plan(base_case).decision == decision


@pytest.mark.parametrize(
    ("change", "contraindication"),
    [
        ({"ecog": 3}, "ecog_3_4"),
        ({"tumour": {"pvtt": "vp4", "pvtt_collaterals": False}}, "main_trunk_pvtt_without_collaterals"),
        ({"liver": {"creatinine": {"value": 2.01, "unit": "mg/dL"}}}, "renal_insufficiency"),
        ({"liver": {"creatinine": {"value": 177.1, "unit": "umol/L"}}}, "renal_insufficiency"),
        ({"liver": {"dialysis": True}}, "renal_insufficiency"),
        (
            {"liver": {"bilirubin": {"value": 2.5, "unit": "mg/dL"}, "ascites": "mild",
                       "encephalopathy": "grade_1_2", "inr": 2.4}},
            "child_pugh_c",
        ),
        ({"liver": {"bilirubin": {"value": 3.01, "unit": "mg/dL"}}}, "jaundice"),
        ({"liver": {"bilirubin": {"value": 51.5, "unit": "umol/L"}}}, "jaundice"),
        ({"liver": {"encephalopathy": "grade_3_4"}}, "overt_encephalopathy"),
        ({"liver": {"ascites": "moderate_severe"}}, "refractory_ascites"),
        ({"tumour": {"infiltrative": True}}, "infiltrative_tumour"),
    ],
)  # fmt: skip
def test_contraindications(
    base_case: dict[str, Any], change: dict[str, Any], contraindication: str
) -> None:
    for key, value in change.items():
        if isinstance(value, dict):
            base_case[key].update(value)
        else:
            base_case[key] = value
    base_case["history"] = history(lipiodol="sparse", necrosis=False)
    result = plan(base_case)
    assert (result.decision, result.approach, result.window) == ("no_tace", None, None)
    assert result.contraindications == [contraindication]
    assert result.rules == []
    assert result.stage_advice


@pytest.mark.parametrize(("ecog", "contraindicated"), [(2, False), (3, True)])
def test_ecog_boundary(base_case: dict[str, Any], ecog: int, contraindicated: bool) -> None:
    base_case["ecog"] = ecog
    assert (plan(base_case).decision == "no_tace") is contraindicated


@pytest.mark.parametrize(
    ("creatinine", "renal", "easl_caution"),
    [
        ({"value": 1.99, "unit": "mg/dL"}, False, False),
        ({"value": 2.0, "unit": "mg/dL"}, False, True),
        ({"value": 2.01, "unit": "mg/dL"}, True, False),
        ({"value": 176.7, "unit": "umol/L"}, False, False),
        ({"value": 176.8, "unit": "umol/L"}, False, True),
        ({"value": 177.0, "unit": "umol/L"}, False, True),
        ({"value": 177.1, "unit": "umol/L"}, True, False),
    ],
)
def test_creatinine_limits(
    base_case: dict[str, Any], creatinine: dict[str, Any], renal: bool, easl_caution: bool
) -> None:
    base_case["liver"]["creatinine"] = creatinine
    result = plan(base_case)
    assert ("renal_insufficiency" in result.contraindications) is renal
    assert any("EASL 2018 contraindicates TACE from 2 mg/dL" in c for c in result.cautions) is (
        easl_caution
    )


def test_main_trunk_thrombus_with_collaterals_is_not_contraindicated(
    base_case: dict[str, Any],
) -> None:
    base_case["tumour"].update(pvtt="vp4", pvtt_collaterals=True)
    result = plan(base_case)
    assert (result.decision, result.bclc) == ("tace", "C")
    assert any("EASL 2018 counts impaired portal flow" in c for c in result.cautions)


def test_main_trunk_thrombus_collaterals_unknown_is_asked(base_case: dict[str, Any]) -> None:
    base_case["tumour"].update(pvtt="vp4")
    del base_case["tumour"]["pvtt_collaterals"]
    result = plan(base_case)
    assert result.contraindications == ["main_trunk_pvtt_without_collaterals"]
    assert "tumour.pvtt_collaterals" in result.missing


@pytest.mark.parametrize(
    ("wbc", "platelets", "caution"), [(2.9, 49, True), (3.0, 49, False), (2.9, 50, False)]
)
def test_blood_count_relative_contraindication(
    base_case: dict[str, Any], wbc: float, platelets: float, caution: bool
) -> None:
    base_case["liver"].update(wbc=wbc, platelets=platelets)
    result = plan(base_case)
    assert result.decision == "tace"
    assert any("White cells" in c for c in result.cautions) is caution


@pytest.mark.parametrize(
    ("wbc", "platelets", "note"),
    [
        (None, None, "note.blood_count_not_given"),
        (None, 49.0, "note.wbc_not_given"),  # platelets low: white cells decide
        (None, 50.0, None),  # platelets not low: the relative contraindication is ruled out
        (2.9, None, "note.platelets_not_given.low_wbc"),
        (3.0, None, "note.platelets_not_given"),  # the correction before TACE is still unknown
        (4.5, 120.0, None),
    ],
)
def test_a_missing_blood_count_is_named_with_what_it_leaves_unchecked(
    base_case: dict[str, Any], wbc: float | None, platelets: float | None, note: str | None
) -> None:
    liver = base_case["liver"]
    for key, value in (("wbc", wbc), ("platelets", platelets)):
        liver.pop(key, None)
        if value is not None:
            liver[key] = value
    codes = [n.code for n in plan(base_case).plan.notes]
    assert [c for c in codes if c in _BLOOD_COUNT_NOTES] == ([note] if note else [])


_BLOOD_COUNT_NOTES = {
    "note.blood_count_not_given",
    "note.wbc_not_given",
    "note.platelets_not_given",
    "note.platelets_not_given.low_wbc",
}


@pytest.mark.parametrize(
    ("value", "unit", "decision", "caution"),
    [
        (2.0, "mg/dL", "tace", False),
        (2.01, "mg/dL", "tace", True),  # 2 points: Child-Pugh A6
        (3.0, "mg/dL", "tace", True),
        (3.01, "mg/dL", "no_tace", False),
        (
            51.3,
            "umol/L",
            "simple_tace",
            True,
        ),  # 3 mg/dL, not above it; 3 points by the SI table: B7
        (51.4, "umol/L", "no_tace", False),
    ],
)
def test_bilirubin_two_to_three_is_a_caution_above_three_a_gate(
    base_case: dict[str, Any], value: float, unit: str, decision: str, caution: bool
) -> None:
    base_case["liver"]["bilirubin"] = {"value": value, "unit": unit}
    result = plan(base_case)
    assert result.decision == decision
    assert ("jaundice" in result.contraindications) is (decision == "no_tace")
    assert any("(2-3 mg/dL)" in c for c in result.cautions) is caution


@pytest.mark.parametrize(("cm", "caution"), [(10.0, False), (10.1, True)])
def test_large_tumour_is_a_european_caution(
    base_case: dict[str, Any], cm: float, caution: bool
) -> None:
    base_case["tumour"]["largest_cm"] = cm
    assert any("relative contraindication (EASL 2018)" in c for c in plan(base_case).cautions) is (
        caution
    )


@pytest.mark.parametrize(
    ("followup", "decision", "rule"),
    [
        ({}, "hold", "P7"),
        ({"lipiodol": "dense_marginal_defect"}, "ethanol_injection", "P3"),
        ({"lipiodol": "dense_marginal_defect", "new_lesions": True}, "tace", "P9"),
        ({"progression": True}, "tace", "P9"),
        ({"new_lesions": True}, "tace", "P9"),
        ({"necrosis": False}, "tace", "P9"),
        ({"lipiodol": "sparse"}, "tace", "P9"),
    ],
)
def test_followup_decides(
    base_case: dict[str, Any], followup: dict[str, Any], decision: str, rule: str
) -> None:
    base_case["history"] = history(**followup)
    result = plan(base_case)
    assert result.decision == decision
    assert {rule, "P4"} <= set(result.rules)
    assert (result.window is None) is (decision == "hold")


def test_missing_followup_is_provisional(base_case: dict[str, Any]) -> None:
    base_case["history"] = {"last_intervention": "2026-09-01"}
    result = plan(base_case)
    assert result.decision == "tace"
    assert {"history.followup", "history.recovered_on"} <= set(result.missing)
    assert any("provisional" in note for note in result.notes)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        ("2026-10-20", "not_yet_open"),
        ("2026-10-21", "open"),
        ("2026-12-01", "open"),
        ("2026-12-02", "closed"),
    ],
)
def test_window_status(base_case: dict[str, Any], today: str, status: str) -> None:
    base_case.update(today=today, history=history(lipiodol="sparse"))
    window = plan(base_case).window
    assert window is not None
    assert (window.earliest, window.latest, window.status) == (
        date(2026, 10, 21),
        date(2026, 12, 1),
        status,
    )


@pytest.mark.parametrize(
    ("recovered", "earliest"),
    [("2026-09-30", date(2026, 10, 21)), ("2026-10-01", date(2026, 10, 22))],
)
def test_recovery_moves_the_earliest_day_only_when_later(
    base_case: dict[str, Any], recovered: str, earliest: date
) -> None:
    base_case["history"] = {**history(lipiodol="sparse"), "recovered_on": recovered}
    window = plan(base_case).window
    assert window is not None
    assert window.earliest == earliest


def test_non_hcc_has_no_stage_but_the_rules_apply(base_case: dict[str, Any]) -> None:
    base_case["tumour"]["type"] = "icc"
    result = plan(base_case)
    assert (result.bclc, result.cnlc, result.decision) == (None, None, "tace")
    assert result.stage_advice is not None
    assert "written for HCC" in result.stage_advice


def test_every_plan_carries_the_disclaimer(base_case: dict[str, Any]) -> None:
    assert "does not replace" in plan(base_case).disclaimer


def test_today_must_come_from_somewhere(base_case: dict[str, Any]) -> None:
    del base_case["today"]
    with pytest.raises(ValueError, match="today"):
        plan_case(Case.model_validate(base_case))
    assert plan_case(Case.model_validate(base_case), date(2026, 1, 1)).today == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("count", "cm", "noted"), [(3, 3.0, False), (4, 3.0, True), (3, 3.01, True)]
)
def test_ethanol_suits_small_targets(
    base_case: dict[str, Any], count: int, cm: float, noted: bool
) -> None:
    base_case["tumour"].update(count=count, largest_cm=cm)
    base_case["history"] = history(lipiodol="dense_marginal_defect")
    result = plan(base_case)
    assert result.decision == "ethanol_injection"
    assert any("Ethanol suits small targets" in n for n in result.notes) is noted

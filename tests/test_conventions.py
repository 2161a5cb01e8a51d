"""Each convention is a setting that really changes the plan, and each flag says so in full.

The flags are sentences a clinician reads on the ward round; the ones below were read and approved as
written, so they are asserted whole: a flag that named the wrong class or decision would mislead.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lang.plan_words import words_for
from planner import Case, Plan, plan_case
from planner.models import Followup, Response
from planner.response import read
from planner.settings import ProtocolSettings, Refractoriness
from tests.conftest import BASE_CASE
from tests.worded import Worded


def plan(changes: dict[str, Any], settings: ProtocolSettings | None = None, **top: Any) -> Plan:
    case = copy.deepcopy(BASE_CASE)
    for key, value in changes.items():
        case[key].update(value)
    case.update(top)
    parsed = Case.model_validate(case)
    return Worded(plan_case(parsed) if settings is None else plan_case(parsed, settings=settings))


B9 = {"liver": {"bilirubin": {"value": 2.5, "unit": "mg/dL"}, "albumin": {"value": 2.9, "unit": "g/dL"},
                "inr": 2.0, "ascites": "mild"}}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        (B9, "Child-Pugh albumin: 2.9 g/dL scores 2 with the 2.8 g/dL cut-off used but 3 with the "
             "3.0 g/dL cut-off (Harrison's and some tables). With that convention: Child-Pugh C10, "
             "BCLC D, no TACE."),
        (B9, "ALBI grade: 3 with the albumin coefficient -0.085 (used) but 2 with -0.0852, which some "
             "papers print. The class, the stage and the decision stay the same either way."),
        ({"liver": {"bilirubin": {"value": 50.5, "unit": "umol/L"}}},
         "Child-Pugh bilirubin: 50.5 umol/L scores 2 here but 3 by the SI tables that cut at 50 "
         "umol/L instead of 51. With that convention: Child-Pugh B7, plain chemo-embolization "
         "(ultra-selective)."),
        ({"liver": {"bilirubin": {"value": 2.99, "unit": "mg/dL"}}},
         "Child-Pugh bilirubin: 2.99 mg/dL scores 2 by the table of the unit entered but 3 by the "
         "umol/L table; scored in the unit entered. With that convention: Child-Pugh B7, plain "
         "chemo-embolization (ultra-selective)."),
        ({"liver": {"bilirubin": {"value": 51.2, "unit": "umol/L"}}},
         "Child-Pugh bilirubin: 51.2 umol/L scores 3 by the table of the unit entered but 2 by the "
         "mg/dL table; scored in the unit entered. With that convention: Child-Pugh A6, "
         "super-selective TACE."),
        ({"tumour": {"largest_cm": 3.0}},
         "BCLC A vs B: 2-3 nodules with the largest exactly 3.0 cm are A by BCLC 2022 (<= 3 cm) but B "
         "by the original BCLC (< 3 cm). With that convention: BCLC B, no longer conditional."),
        ({"tumour": {"count": 1, "largest_cm": 2.0}},
         "BCLC 0 vs A: a single nodule of exactly 2.0 cm is 0 by BCLC 2022 (<= 2 cm) but A by older "
         "editions (< 2 cm). With that convention: BCLC A."),
    ],
)  # fmt: skip
def test_flag_says_what_the_other_convention_changes(changes: dict[str, Any], flag: str) -> None:
    assert flag in plan(changes).flags


@pytest.mark.parametrize(
    ("changes", "settings", "expected"),
    [
        (B9, ProtocolSettings(child_pugh_albumin_low_g_dl=3.0), ("C", 10, "no_tace")),
        ({"liver": {"bilirubin": {"value": 50.5, "unit": "umol/L"}}},
         ProtocolSettings(child_pugh_bilirubin_high_umol_l=50.0), ("B", 7, "simple_tace")),
        ({"liver": {"bilirubin": {"value": 2.99, "unit": "mg/dL"}}},
         ProtocolSettings(child_pugh_bilirubin_table="umol_l"), ("B", 7, "simple_tace")),
        ({"liver": {"bilirubin": {"value": 51.2, "unit": "umol/L"}}},
         ProtocolSettings(child_pugh_bilirubin_table="mg_dl"), ("A", 6, "tace")),
    ],
)  # fmt: skip
def test_each_child_pugh_convention_is_a_setting_that_changes_the_score(
    changes: dict[str, Any], settings: ProtocolSettings, expected: tuple[str, int, str]
) -> None:
    result = plan(changes, settings)
    assert (result.child_pugh.class_, result.child_pugh.points, result.decision) == expected


def test_albi_coefficient_and_bclc_edition_are_settings() -> None:
    assert plan(B9).albi.grade == 3
    assert plan(B9, ProtocolSettings(albi_albumin_coefficient=-0.0852)).albi.grade == 2
    three_cm = {"tumour": {"largest_cm": 3.0}}
    assert plan(three_cm).bclc == "A"
    assert plan(three_cm, ProtocolSettings(bclc_inclusive_cut_offs=False)).bclc == "B"


@pytest.mark.parametrize(
    ("sodium", "meld_11", "missing"), [(None, True, False), (None, False, True)]
)
def test_sodium_is_missing_only_when_meld_na_would_apply(
    sodium: float | None, meld_11: bool, missing: bool
) -> None:
    """MELD-Na applies above MELD 11: with bilirubin and INR at their floor of 1, creatinine 1.6 gives
    10 x (0.957 ln 1.6 + 0.643) = 10.9, MELD 11, and 1.8 gives 12.06, MELD 12."""
    creatinine = 1.6 if meld_11 else 1.8
    case = copy.deepcopy(BASE_CASE)
    del case["liver"]["sodium"]
    case["liver"].update(creatinine={"value": creatinine, "unit": "mg/dL"}, inr=1.0)
    result = plan_case(Case.model_validate(case))
    assert result.meld_detail is not None
    assert result.meld_detail.meld == (11 if meld_11 else 12)
    assert ("liver.sodium" in result.missing) is missing


@pytest.mark.parametrize(
    ("tumour", "found"),
    [
        ({"pvtt": "vp4"}, "Vp4, collaterals not stated, occlusion not stated"),
        ({"pvtt": "vp4", "pvtt_collaterals": False}, "Vp4, collaterals none, occlusion not stated"),
        ({"pvtt": "vp4", "pvtt_collaterals": False, "pvtt_occlusion": "complete"},
         "Vp4, collaterals none, occlusion complete"),
    ],
)  # fmt: skip
def test_main_trunk_finding_says_what_was_known(tumour: dict[str, Any], found: str) -> None:
    case = copy.deepcopy(BASE_CASE)
    del case["tumour"]["pvtt_collaterals"]
    case["tumour"].update(tumour)
    result = Worded(plan_case(Case.model_validate(case)))
    assert result.contraindication_findings["main_trunk_pvtt_without_collaterals"] == found


@pytest.mark.parametrize(
    ("weight", "note"),
    [
        # woman of 62, creatinine 0.8 mg/dL: CKD-EPI 142 x (0.8/0.7)^-1.2 x 0.9938^62 x 1.012 = 83.3
        (None, "eGFR 83.3 mL/min/1.73 m2 (CKD-EPI 2021, for information): it overestimates kidney "
               "function in cirrhosis and sarcopenia."),
        # Cockcroft-Gault (140 - 62) x 70 / (72 x 0.8) x 0.85 = 80.6
        (70.0, "Creatinine clearance 80.6 mL/min (Cockcroft-Gault, actual weight 70 kg); eGFR 83.3 "
               "mL/min/1.73 m2 (CKD-EPI 2021, for information): both overestimate kidney function in "
               "cirrhosis and sarcopenia."),
    ],
)  # fmt: skip
def test_renal_note(weight: float | None, note: str) -> None:
    top: dict[str, Any] = {"sex": "female"}
    if weight is not None:
        top["weight_kg"] = weight
    assert note in plan({}, **top).notes


@pytest.mark.parametrize(
    ("today", "note"),
    [
        ("2026-10-15", "The window opens on 2026-10-21, in 6 days."),
        ("2026-10-21", "The window is open now, until 2026-12-01."),
        ("2026-12-02", "The window closed on 2026-12-01: the interval of P5 has passed."),
    ],
)
def test_window_note_says_where_today_falls(today: str, note: str) -> None:
    history = {
        "last_intervention": "2026-09-01",
        "followup": {"lipiodol": "sparse", "necrosis": False, "new_lesions": False,
                     "progression": False},
    }  # fmt: skip
    assert note in plan({}, today=today, history=history).notes


def test_an_impossible_window_is_said_so() -> None:
    history = {
        "last_intervention": "2026-09-01", "recovered_on": "2026-11-25",
        "followup": {"lipiodol": "sparse", "necrosis": False, "new_lesions": False,
                     "progression": False},
    }  # fmt: skip
    result = plan({}, history=history)
    assert result.window is not None
    assert result.window.status == "impossible"
    assert (
        "No valid window: the earliest day (2026-12-16) falls after the latest (2026-12-01); the "
        "team must decide the timing." in result.notes
    )


@pytest.mark.parametrize(
    ("followup", "baseline", "prefer_sums", "expected"),
    [
        ({"response": "pr", "viable_sum_mm": 62.0, "nadir_viable_sum_mm": 50.0}, 80.0, False,
         (Response.PR, False, Response.PD)),
        ({"response": "pr", "viable_sum_mm": 62.0, "nadir_viable_sum_mm": 50.0}, 80.0, True,
         (Response.PD, True, Response.PR)),
        ({"response": "pr", "viable_sum_mm": 40.0}, 80.0, True, (Response.PR, False, None)),
        ({"viable_sum_mm": 40.0}, 80.0, False, (Response.PR, True, None)),
        ({"viable_sum_mm": 1.0, "nadir_viable_sum_mm": 0.0}, 80.0, False,
         (Response.PD, True, None)),  # viable tumour back after a CR: PD
        ({"viable_sum_mm": 0.0, "nadir_viable_sum_mm": 0.0}, 80.0, False, (Response.CR, True, None)),
        ({"response": "cr", "viable_sum_mm": 0.5}, 80.0, False, (Response.PR, True, None)),
        ({}, None, False, (None, False, None)),
    ],
)  # fmt: skip
def test_response_reading(
    followup: dict[str, Any], baseline: float | None, prefer_sums: bool, expected: tuple[Any, ...]
) -> None:
    findings = Followup.model_validate(
        {"lipiodol": "none", "necrosis": False, "new_lesions": False, "progression": False}
        | followup
    )
    base = None
    if baseline is not None:
        from planner.models import Baseline

        base = Baseline(viable_sum_mm=baseline)
    got = read(findings, base, prefer_sums)
    assert (got.response, got.computed, got.disagrees) == expected


def test_earlier_follow_ups_are_read_from_their_own_sums() -> None:
    """Two follow-ups in a row with PD by the sums (no category given) are refractory."""
    pd = {"lipiodol": "sparse", "necrosis": False, "new_lesions": False, "progression": False,
          "viable_sum_mm": 70.0}  # fmt: skip
    history = {
        "last_intervention": "2026-10-01", "sessions": 2, "baseline": {"viable_sum_mm": 50.0},
        "followup": pd, "previous_followups": [pd],
    }  # fmt: skip
    result = plan({}, history=history)
    assert (result.response, result.refractory, result.decision) == ("pd", True, "no_tace")
    history["previous_followups"] = [pd | {"viable_sum_mm": 45.0}]
    assert plan({}, history=history).refractory is False


@pytest.mark.parametrize(("sessions", "refractory"), [(2, False), (3, True)])
def test_chinese_consensus_counts_sessions_for_new_spread(sessions: int, refractory: bool) -> None:
    history = {
        "last_intervention": "2026-10-01", "sessions": sessions,
        "baseline": {"extrahepatic": False, "pvtt": "none"},
        "followup": {"lipiodol": "sparse", "necrosis": False, "new_lesions": False,
                     "progression": False},
    }  # fmt: skip
    chinese = ProtocolSettings(refractoriness=Refractoriness.CHINESE_CONSENSUS_2022)
    result = plan({"tumour": {"extrahepatic": True}}, chinese, history=history)
    assert result.refractory is refractory


def test_refractoriness_lists_the_baseline_it_lacks() -> None:
    history = {
        "last_intervention": "2026-10-01", "sessions": 2,
        "followup": {"lipiodol": "sparse", "necrosis": False, "new_lesions": False,
                     "progression": False},
    }  # fmt: skip
    result = plan({"tumour": {"extrahepatic": True, "pvtt": "vp2"}}, history=history)
    assert {"history.baseline.pvtt", "history.baseline.extrahepatic"} <= set(result.missing)


@pytest.mark.parametrize(
    ("decision", "approach", "words"),
    [
        ("tace", "lobar", "lobar TACE"),
        ("tace", None, "TACE"),
        ("simple_tace", None, "plain chemo-embolization"),
        ("hold", "lobar", "hold"),
        ("something_new", None, "something new"),
    ],
)
def test_decision_words(decision: str, approach: str | None, words: str) -> None:
    assert words_for(decision, approach) == words


@pytest.mark.parametrize(
    ("tumour", "starts"),
    [
        ({"type": "icc"}, "The founding protocol was written for HCC"),
        ({"type": "metastasis"}, "The founding protocol was written for HCC"),
    ],
)
def test_stage_advice_for_other_tumours_names_them(tumour: dict[str, Any], starts: str) -> None:
    advice = plan({"tumour": tumour}).stage_advice or ""
    assert advice.startswith(starts)
    name = {"icc": "intrahepatic cholangiocarcinoma", "metastasis": "liver metastases"}
    assert f"for {name[tumour['type']]} the scores" in advice


def test_infiltrative_bclc_b_advice_is_systemic() -> None:
    advice = plan({"tumour": {"infiltrative": True}}).stage_advice or ""
    assert "BCLC B, diffuse or infiltrative: systemic therapy rather than TACE" in advice
    assert "BCLC B: TACE when" not in advice


def test_a_departments_alternative_outside_the_settings_bounds_is_still_planned() -> None:
    """The other convention's settings are the department's own alternatives, taken as given:
    ages 45 and 80 around a threshold whose own bounds are 50-100 still give the elderly flag."""
    settings = ProtocolSettings(elderly_age_alternatives=(45, 80))
    flagged = plan({}, settings, age=47)
    assert any("age 47" in flag and "with 45" in flag for flag in flagged.flags), flagged.flags


def test_settings_are_named_and_the_input_models_keep_the_model_api() -> None:
    with pytest.raises(ValueError, match="positional"):
        ProtocolSettings(60)  # type: ignore[misc]
    case = Case.model_validate(BASE_CASE)
    assert Case.model_validate(case.model_dump(mode="json")) == case
    assert Case.model_validate_json(json.dumps(BASE_CASE)) == case

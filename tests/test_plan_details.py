"""Details of a plan that a clinician relies on and that an audit could change unseen.

Each test states the behaviour (which caution appears when, which rules in which order, which
alternative for which patient); none copies the planner's output wholesale.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from planner import Case, Plan, plan_case, reminders_for
from planner.settings import ProtocolSettings
from tests.conftest import BASE_CASE
from tests.worded import Worded

SPARSE = {"lipiodol": "sparse", "necrosis": False, "new_lesions": False, "progression": False}


def case_with(changes: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    case = copy.deepcopy(BASE_CASE)
    for key, value in (changes or {}).items():
        case[key].update(value)
    case.update(top)
    return case


def plan(changes: dict[str, Any] | None = None, settings: ProtocolSettings | None = None,
         **top: Any) -> Any:  # fmt: skip
    parsed = Case.model_validate(case_with(changes, **top))
    return Worded(plan_case(parsed) if settings is None else plan_case(parsed, settings=settings))


def ids(result: Plan) -> list[str]:
    return [a.id for a in result.alternatives]


def test_rules_are_listed_by_number_not_as_text() -> None:
    assert plan({"tumour": {"count": 4}}).rules == ["P1", "P8", "P10", "P11"]


def test_missing_from_the_scores_and_the_gates_are_both_kept() -> None:
    case = case_with({"tumour": {"pvtt": "vp4"}})
    del case["liver"]["creatinine"]
    del case["tumour"]["pvtt_collaterals"]
    missing = plan_case(Case.model_validate(case)).missing
    assert {"liver.creatinine", "tumour.pvtt_collaterals", "tumour.pvtt_occlusion"} <= set(missing)


def test_meld_15_refers_for_transplant_in_the_plan() -> None:
    result = plan({"liver": {"creatinine": {"value": 3.0, "unit": "mg/dL"}, "inr": 1.6}})
    assert result.meld is not None
    assert result.meld >= 15
    assert any("refer for transplant evaluation" in c for c in result.cautions)


@pytest.mark.parametrize(
    ("changes", "caution", "present"),
    [
        ({"tumour": {"count": 4, "largest_cm": 3.0}}, "Beyond up-to-seven", False),  # 7: within
        ({"tumour": {"count": 4, "largest_cm": 3.1}}, "Beyond up-to-seven", True),
        ({"tumour": {"count": 4, "largest_cm": 3.1, "type": "icc"}}, "Beyond up-to-seven", False),
        ({"liver": {"albumin": {"value": 3.4, "unit": "g/dL"}}}, "mALBI 2b", True),
        ({}, "mALBI 2b", False),
    ],
)
def test_tace_suitability_cautions(changes: dict[str, Any], caution: str, present: bool) -> None:
    result = plan(changes)
    assert result.decision in ("tace", "simple_tace")
    assert any(c.startswith(caution) for c in result.cautions) is present


def test_suitability_cautions_only_beside_tace() -> None:
    result = plan({"tumour": {"count": 4, "largest_cm": 3.1},
                   "liver": {"bilirubin": {"value": 3.5, "unit": "mg/dL"}}})  # fmt: skip
    assert result.decision == "no_tace"
    assert not any(c.startswith("Beyond up-to-seven") for c in result.cautions)


@pytest.mark.parametrize(
    ("liver", "says"),
    [
        ({"albumin": {"value": 3.4, "unit": "g/dL"}}, "likely to fall to Child-Pugh B"),
        ({"albumin": {"value": 3.4, "unit": "g/dL"}, "inr": 1.8}, "likely to worsen further"),
    ],
)
def test_malbi_caution_fits_the_class(liver: dict[str, Any], says: str) -> None:
    result = plan({"liver": liver})
    assert result.albi.malbi == "2b"
    assert any("mALBI 2b" in c and says in c for c in result.cautions)


@pytest.mark.parametrize(("kind", "noted"), [("icc", True), ("hcc", False)])
def test_hap_outside_hcc_is_read_with_care(kind: str, noted: bool) -> None:
    result = plan({"tumour": {"type": kind, "afp": 500.0}})
    assert result.hap is not None
    assert any(n.startswith("HAP was derived in HCC") for n in result.notes) is noted


def test_thrombus_in_cnlc_iiia_offers_tace_with_systemic_therapy() -> None:
    result = plan({"tumour": {"pvtt": "vp2"}})
    assert (result.bclc, result.cnlc, result.decision) == ("C", "IIIa", "tace")
    assert "tace_plus_systemic" in ids(result)


def test_course_details_are_in_the_json() -> None:
    history = {
        "last_intervention": "2026-10-01", "sessions": 1,
        "baseline": {"child_pugh_points": 5, "ast": 40.0}, "followup": SPARSE | {"response": "sd"},
    }  # fmt: skip
    result = plan({"liver": {"ast": 60.0}}, history=history)
    assert result.art_parts == {"child_pugh": 0.0, "ast": 4.0, "response": 1.0}
    assert result.meld_detail is not None
    assert "history.sessions" not in result.missing


def test_radiologist_against_sums_flag_says_art_would_stop() -> None:
    """Child-Pugh +1 (1.5) with PR (0) continues; with the sums' PD (+1) ART is 2.5: no TACE."""
    history = {
        "last_intervention": "2026-10-01", "sessions": 1,
        "baseline": {"child_pugh_points": 5, "ast": 40.0, "viable_sum_mm": 80.0},
        "followup": SPARSE | {"response": "pr", "viable_sum_mm": 62.0, "nadir_viable_sum_mm": 50.0},
    }  # fmt: skip
    changes = {"liver": {"ast": 40.0, "albumin": {"value": 3.0, "unit": "g/dL"}}}
    result = plan(changes, history=history)
    assert (result.decision, result.art is not None and result.art.score) == ("tace", 1.5)
    assert (
        "mRECIST: the radiologist reads PR, the viable sums give PD; the reading is used. With that "
        "convention: no TACE." in result.flags
    )
    by_sums = plan(changes, ProtocolSettings(mrecist_from_sums=True), history=history)
    assert by_sums.decision == "no_tace"
    assert (
        "mRECIST: the viable sums give PD, the radiologist reads PR; the sums are used. With that "
        "convention: super-selective TACE." in by_sums.flags
    )


@pytest.mark.parametrize(
    ("followup", "note"),
    [
        (SPARSE, "Follow-up: sparse lipiodol, or dense without necrosis: viable tumour likely; treat "
                 "again."),
        (SPARSE | {"lipiodol": "none", "response": "sd"},
         "Follow-up: no lipiodol was used and mRECIST is SD: viable tumour remains; treat again."),
        (SPARSE | {"new_lesions": True},
         "Follow-up: new lesions, progression or mRECIST PD; treat again."),
    ],
)  # fmt: skip
def test_follow_up_note_says_why_it_treats_again(followup: dict[str, Any], note: str) -> None:
    history = {"last_intervention": "2026-10-01", "sessions": 2, "followup": followup}
    assert note in plan(history=history).notes


def test_beads_without_a_response_are_provisional() -> None:
    history = {"last_intervention": "2026-10-01", "sessions": 2,
               "followup": SPARSE | {"lipiodol": "none"}}  # fmt: skip
    result = plan(history=history)
    assert (result.decision, result.provisional) == ("tace", True)
    assert "history.followup.response" in result.missing


def test_refractory_finding_names_both_reasons() -> None:
    failing = SPARSE | {"viable_over_50pct": True}
    history = {
        "last_intervention": "2026-10-01", "sessions": 2, "baseline": {"extrahepatic": False},
        "followup": failing, "previous_followups": [failing],
    }  # fmt: skip
    found = plan({"tumour": {"extrahepatic": True}}, history=history).contraindication_findings
    assert found["tace_refractory"] == (
        "2 follow-up(s) in a row with more than 50 % viable tumour or intrahepatic progression; "
        "extrahepatic spread that was absent before the first TACE (progression)"
    )


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (76, "Elderly (P2): age 76 against the threshold of 75 used; studies also use 70 or 80, and "
             "with 80 the age rule would not apply. With that convention: super-selective TACE."),
        (72, "Elderly (P2): age 72 against the threshold of 75 used; studies also use 70 or 80, and "
             "with 70 the age rule would apply. With that convention: plain chemo-embolization "
             "(ultra-selective)."),
    ],
)  # fmt: skip
def test_elderly_flag_names_the_other_threshold(age: int, text: str) -> None:
    assert text in plan(age=age).flags


@pytest.mark.parametrize(
    ("kind", "age", "ascites", "noted"),
    [("icc", 75, "none", True), ("icc", 74, "none", False), ("icc", 80, "mild", False),
     ("hcc", 80, "none", False)],
)  # fmt: skip
def test_p2_age_note_for_other_tumours(kind: str, age: int, ascites: str, noted: bool) -> None:
    result = plan({"tumour": {"type": kind}, "liver": {"ascites": ascites}}, age=age)
    assert any("P2's age rule is written for HCC" in n for n in result.notes) is noted


@pytest.mark.parametrize(("count", "noted"), [(3, False), (4, True)])
def test_p2_with_many_tumours_notes_p10(count: int, noted: bool) -> None:
    result = plan({"tumour": {"count": count}}, age=80)
    assert any("P10 would otherwise" in n for n in result.notes) is noted


def test_ecog_flag_names_the_stage_by_burden() -> None:
    single = plan({"tumour": {"count": 1, "largest_cm": 4.0}}, ecog=1)
    assert single.bclc == "C"
    assert any(
        f.endswith("otherwise the tumour burden would stage it BCLC A.") for f in single.flags
    )


def test_stage_advice_names_its_edition_cleanly() -> None:
    advice = plan({"tumour": {"count": 1, "largest_cm": 2.5}}).stage_advice or ""
    assert advice.startswith(
        "BCLC A: resection, ablation or transplant come first; TACE only when they are not feasible "
        "or have failed (BCLC 2022, stages unchanged in the 2025 update). CNLC Ia:"
    )


@pytest.mark.parametrize(
    ("met", "meld_creatinine", "text"),
    [
        ({"count": 1, "largest_cm": 2.5}, 0.8,
         "Liver transplant: tumour within Milan, UCSF, up-to-seven (Mazzaferro 1996; Yao 2001; "
         "Mazzaferro 2009; Merion 2005)."),
        ({"count": 3, "largest_cm": 5.0}, 3.0, "Liver transplant: tumour outside Milan, UCSF and "
         "up-to-seven; MELD"),
    ],
)  # fmt: skip
def test_transplant_text_says_which_criteria(
    met: dict[str, Any], meld_creatinine: float, text: str
) -> None:
    result = plan({"tumour": met, "liver": {"creatinine": {"value": meld_creatinine,
                                                           "unit": "mg/dL"}, "inr": 1.6}})  # fmt: skip
    transplant = next(a.text for a in result.alternatives if a.id == "transplant")
    assert transplant.startswith(text)


def test_single_five_cm_is_offered_ablation_by_cnlc() -> None:
    assert "ablation" in ids(plan({"tumour": {"count": 1, "largest_cm": 5.0}}))
    assert "ablation" not in ids(plan({"tumour": {"count": 1, "largest_cm": 5.1}}))


def test_infiltrative_alone_excludes_the_meld_route_to_transplant() -> None:
    result = plan({"tumour": {"infiltrative": True, "count": 4},
                   "liver": {"creatinine": {"value": 3.0, "unit": "mg/dL"}, "inr": 1.6}})  # fmt: skip
    assert result.meld is not None
    assert result.meld >= 15
    assert "transplant" not in ids(result)


def test_refractory_alone_puts_systemic_first() -> None:
    failing = SPARSE | {"progression": True}
    history = {"last_intervention": "2026-10-01", "sessions": 2, "followup": failing,
               "previous_followups": [failing]}  # fmt: skip
    result = plan({"tumour": {"count": 4, "largest_cm": 2.0}}, history=history)
    assert ids(result)[0] == "systemic"


def test_child_pugh_c_within_milan_is_not_sent_to_supportive_care() -> None:
    result = plan({"tumour": {"count": 1, "largest_cm": 2.0},
                   "liver": {"ascites": "mild", "encephalopathy": "grade_1_2", "inr": 2.4,
                             "albumin": {"value": 2.7, "unit": "g/dL"}}})  # fmt: skip
    assert result.child_pugh.class_ == "C"
    assert "transplant" in ids(result)
    assert ids(result)[0] == "best_supportive_care", "BCLC D leads with supportive care"


def test_supportive_care_leads_only_in_stage_d() -> None:
    result = plan({"liver": {"bilirubin": {"value": 3.5, "unit": "mg/dL"}}})
    assert result.bclc != "D"
    assert "best_supportive_care" not in ids(result)


@pytest.mark.parametrize(
    ("changes", "ecog", "easl"),
    [
        ({"liver": {"albumin": {"value": 3.0, "unit": "g/dL"}, "inr": 1.8}}, 0, False),  # B7
        ({"liver": {"albumin": {"value": 3.0, "unit": "g/dL"}, "inr": 1.8, "ascites": "mild"}}, 0,
         True),  # B8
        ({}, 0, False),
    ],
)  # fmt: skip
def test_easl_child_pugh_b8_caution(changes: dict[str, Any], ecog: int, easl: bool) -> None:
    result = plan(changes, ecog=ecog)
    assert (
        any("EASL 2018 contraindicates TACE in Child-Pugh B" in c for c in result.cautions) is easl
    )


@pytest.mark.parametrize(("ecog", "caution"), [(0, False), (1, True), (2, True)])
def test_easl_ecog_caution(ecog: int, caution: bool) -> None:
    result = plan(ecog=ecog)
    assert any(c.startswith(f"ECOG {ecog}: China accepts") for c in result.cautions) is caution


@pytest.mark.parametrize(
    ("tumour", "caution"),
    [({"pvtt": "vp1"}, True), ({"pvtt": "vp3"}, True), ({"pvtt": "vp4", "pvtt_collaterals": True}, True),
     ({"pvtt": "none"}, False)],
)  # fmt: skip
def test_easl_portal_flow_caution(tumour: dict[str, Any], caution: bool) -> None:
    result = plan({"tumour": tumour})
    assert any("EASL 2018 counts impaired portal flow" in c for c in result.cautions) is caution


@pytest.mark.parametrize(("creatinine", "capped"), [(4.0, False), (4.01, True)])
def test_meld_creatinine_cap_is_reported(creatinine: float, capped: bool) -> None:
    result = plan({"liver": {"creatinine": {"value": creatinine, "unit": "mg/dL"}}})
    assert result.meld_detail is not None
    assert result.meld_detail.dialysis_or_capped is capped


@pytest.mark.parametrize(
    ("tumour", "flagged"),
    [({"count": 3, "largest_cm": 2.7}, True), ({"count": 3, "largest_cm": 2.7, "pvtt": "vp1"}, False),
     ({"count": 3, "largest_cm": 2.7, "extrahepatic": True}, False),
     ({"count": 3, "largest_cm": 2.7, "type": "icc"}, False), ({"count": 4, "largest_cm": 2.7}, False),
     ({"count": 2, "largest_cm": 4.5}, True), ({"count": 2, "largest_cm": 4.6}, False)],
)  # fmt: skip
def test_ucsf_flag_only_where_the_total_alone_decides(
    tumour: dict[str, Any], flagged: bool
) -> None:
    result = plan({"tumour": tumour})
    assert any(f.startswith("UCSF: the total diameter") for f in result.flags) is flagged


@pytest.mark.parametrize(
    ("today", "kinds"),
    [
        ("2026-10-20", ["window_opens", "window_closes"]),
        ("2026-10-21", ["window_closes"]),  # the window opens today: no reminder that it opens
        ("2026-12-01", ["window_closes"]),  # it closes today: still worth the reminder
    ],
)
def test_window_reminders_at_the_edges(today: str, kinds: list[str]) -> None:
    history = {"last_intervention": "2026-09-01", "followup": SPARSE}
    case = Case.model_validate(case_with(today=today, history=history))
    result = plan_case(case)
    got = [r.kind.value for r in reminders_for(case, result)]
    assert got == kinds
    assert all(r.due >= date.fromisoformat(today) for r in reminders_for(case, result))

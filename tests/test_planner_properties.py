"""Properties of the planner that must hold for every input (hypothesis)."""

from __future__ import annotations

import struct
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from lang import LANGUAGES, use
from lang.plan_words import say
from planner import Case, Plan, plan_case
from planner import ranges as r
from planner.albi import albi_grade, albi_score
from planner.child_pugh import child_pugh
from planner.decimals import decimal_round
from planner.models import Ascites, Encephalopathy
from planner.said import worded
from planner.settings import DEFAULT_SETTINGS
from planner.timing import next_window
from planner.units import AlbuminUnit, BilirubinUnit

ASCITES = list(Ascites)
HE = list(Encephalopathy)


def within(bounds: r.Range) -> st.SearchStrategy[float]:
    return st.floats(bounds.low, bounds.high, allow_nan=False)


@st.composite
def child_pugh_inputs(draw: st.DrawFn) -> tuple[float, float, float, int, int]:
    return (
        draw(within(r.BILIRUBIN[BilirubinUnit.MG_DL])),
        draw(within(r.ALBUMIN[AlbuminUnit.G_DL])),
        draw(within(r.INR)),
        draw(st.integers(0, 2)),
        draw(st.integers(0, 2)),
    )


def cp_points(bili: float, alb: float, inr: float, asc: int, he: int) -> int:
    return child_pugh(
        bili, BilirubinUnit.MG_DL, alb, AlbuminUnit.G_DL, inr, ASCITES[asc], HE[he]
    ).points


@given(child_pugh_inputs(), st.integers(0, 4), st.floats(0, 10, allow_nan=False))
def test_child_pugh_never_falls_when_one_item_worsens(
    values: tuple[float, float, float, int, int], item: int, step: float
) -> None:
    bili, alb, inr, asc, he = values
    worse = [bili + step, alb - step / 5, inr + step, min(asc + 1, 2), min(he + 1, 2)]
    changed = list(values)
    changed[item] = worse[item]
    assert cp_points(*changed) >= cp_points(*values)  # type: ignore[arg-type]


@given(
    within(r.BILIRUBIN[BilirubinUnit.UMOL_L]),
    within(r.BILIRUBIN[BilirubinUnit.UMOL_L]),
    within(r.ALBUMIN[AlbuminUnit.G_L]),
)
def test_albi_grade_is_monotone_in_bilirubin(b1: float, b2: float, alb: float) -> None:

    low, high = sorted((b1, b2))
    grade = lambda b: albi_grade(albi_score(b, BilirubinUnit.UMOL_L, alb, AlbuminUnit.G_L))  # noqa: E731
    assert grade(high) >= grade(low)


@given(
    within(r.BILIRUBIN[BilirubinUnit.UMOL_L]),
    within(r.ALBUMIN[AlbuminUnit.G_L]),
    within(r.ALBUMIN[AlbuminUnit.G_L]),
)
def test_albi_grade_is_monotone_in_albumin(bili: float, a1: float, a2: float) -> None:

    low, high = sorted((a1, a2))
    grade = lambda a: albi_grade(albi_score(bili, BilirubinUnit.UMOL_L, a, AlbuminUnit.G_L))  # noqa: E731
    assert grade(high) <= grade(low)


def bilirubin() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(list(BilirubinUnit)).flatmap(
        lambda u: st.fixed_dictionaries(
            {"value": within(r.BILIRUBIN[u]), "unit": st.just(u.value)}
        )
    )


def albumin() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(list(AlbuminUnit)).flatmap(
        lambda u: st.fixed_dictionaries({"value": within(r.ALBUMIN[u]), "unit": st.just(u.value)})
    )


def creatinine() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(["mg/dL", "umol/L"]).flatmap(
        lambda u: st.fixed_dictionaries(
            {"value": within(r.CREATININE[u]), "unit": st.just(u)}  # type: ignore[index]
        )
    )


TODAY = date(2026, 11, 26)


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.booleans()):
        return None
    last = TODAY - timedelta(days=draw(st.integers(0, 800)))
    out: dict[str, Any] = {"last_intervention": last.isoformat()}
    if draw(st.booleans()):
        out["recovered_on"] = (
            last + timedelta(days=draw(st.integers(0, (TODAY - last).days)))
        ).isoformat()
    if draw(st.booleans()):
        out["followup"] = draw(followups())
        out["previous_followups"] = draw(st.lists(followups(), max_size=3))
    if draw(st.booleans()):
        out["sessions"] = draw(st.integers(1, 6))
    if draw(st.booleans()):
        baseline = {
            "child_pugh_points": draw(optional(st.integers(5, 15))),
            "ast": draw(optional(within(r.AST))),
            "pvtt": draw(optional(st.sampled_from(["none", "vp1", "vp2", "vp3", "vp4"]))),
            "extrahepatic": draw(optional(st.booleans())),
            "viable_sum_mm": draw(optional(within(r.BASELINE_VIABLE_SUM_MM))),
        }
        out["baseline"] = {k: v for k, v in baseline.items() if v is not None}
    return out


@st.composite
def followups(draw: st.DrawFn) -> dict[str, Any]:
    out = {
        "lipiodol": draw(st.sampled_from(["dense", "dense_marginal_defect", "sparse", "none"])),
        "necrosis": draw(st.booleans()),
        "new_lesions": draw(st.booleans()),
        "progression": draw(st.booleans()),
        "response": draw(optional(st.sampled_from(["cr", "pr", "sd", "pd"]))),
        "viable_sum_mm": draw(optional(within(r.VIABLE_SUM_MM))),
        "nadir_viable_sum_mm": draw(optional(within(r.VIABLE_SUM_MM))),
        "viable_over_50pct": draw(optional(st.booleans())),
    }
    return {k: v for k, v in out.items() if v is not None}


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    liver = {
        "bilirubin": draw(bilirubin()),
        "albumin": draw(albumin()),
        "inr": draw(within(r.INR)),
        "ascites": draw(st.sampled_from([a.value for a in Ascites])),
        "encephalopathy": draw(st.sampled_from([e.value for e in Encephalopathy])),
        "creatinine": draw(optional(creatinine())),
        "sodium": draw(optional(within(r.SODIUM))),
        "dialysis": draw(optional(st.booleans())),
        "platelets": draw(optional(within(r.PLATELETS))),
        "wbc": draw(optional(within(r.WBC))),
        "ast": draw(optional(within(r.AST))),
    }
    case: dict[str, Any] = {
        "today": TODAY.isoformat(),
        "age": draw(st.integers(int(r.AGE.low), int(r.AGE.high))),
        "ecog": draw(st.integers(0, 4)),
        "tumour": {
            "type": draw(st.sampled_from(["hcc", "icc", "metastasis", "other"])),
            "count": draw(st.integers(1, 100)),
            "largest_cm": draw(within(r.TUMOUR_SIZE_CM)),
            "infiltrative": draw(st.booleans()),
            "pvtt": draw(st.sampled_from(["none", "vp1", "vp2", "vp3", "vp4"])),
            "pvtt_collaterals": draw(optional(st.booleans())),
            "extrahepatic": draw(st.booleans()),
            "pvtt_occlusion": draw(optional(st.sampled_from(["complete", "partial"]))),
            "burden_ge_70pct": draw(optional(st.booleans())),
            "afp": draw(optional(within(r.AFP))),
        },
        "liver": {k: v for k, v in liver.items() if v is not None},
        "sex": draw(optional(st.sampled_from(["female", "male"]))),
        "weight_kg": draw(optional(within(r.WEIGHT_KG))),
    }
    case["tumour"] = {k: v for k, v in case["tumour"].items() if v is not None}
    case = {k: v for k, v in case.items() if v is not None}
    history = draw(histories())
    if history is not None:
        case["history"] = history
    return case


@settings(max_examples=300)
@given(cases())
def test_any_accepted_case_gives_a_coherent_plan(raw: dict[str, Any]) -> None:
    """Invariants of part D that any plan must keep, whatever the case."""
    try:
        case = Case.model_validate(raw)
    except ValidationError:  # pragma: no cover - the strategy stays within the ranges
        raise AssertionError("the strategy produced a case the models refuse") from None
    plan = plan_case(case)
    intervening = plan.decision in ("tace", "simple_tace", "ethanol_injection")
    # a contraindication, and only a contraindication, gives no TACE
    assert (plan.decision == "no_tace") is bool(plan.contraindications)
    # an approach exactly for the TACE decisions; lobar only for TACE with more than three tumours
    assert (plan.approach is not None) is (plan.decision in ("tace", "simple_tace"))
    if plan.approach == "lobar":
        assert (plan.decision, case.tumour.count > 3) == ("tace", True)
    # a window only after an earlier intervention, and only when something is to be done
    assert (plan.window is not None) is (case.history is not None and intervening)
    if plan.window is not None and case.history is not None:
        assert plan.window.earliest >= case.history.last_intervention + timedelta(days=50)
    # nothing to correct and nothing to check when nothing is done
    if not intervening:
        assert (plan.before_procedure, plan.checklist) == ([], [])
    # the conditional line only for BCLC 0/A with a TACE decision
    assert (plan.conditional is not None) is (
        plan.bclc in ("0", "A") and plan.decision in ("tace", "simple_tace")
    )
    # follow-up values only with a follow-up; transplant criteria only for HCC
    followup = case.history.followup if case.history else None
    if followup is None:
        assert (plan.response, plan.refractory, plan.art) == (None, None, None)
    assert (plan.transplant is None) is (case.tumour.type != "hcc")
    # every contraindication says what made it
    assert set(plan.contraindication_findings) == set(plan.contraindications)
    # built without validation (models.unvalidated): every field, of its declared type
    assert list(plan.__dict__) == list(Plan.model_fields)
    assert Plan.model_validate(plan.__dict__, strict=True) == plan
    # its JSON without options (pydantic-core's defaults) is pydantic's with its own defaults,
    # coded and, through the worded serialiser (models._worded_serializer), in words
    assert plan.model_dump_json() == plan.model_dump_json(warnings=True, by_alias=None)
    for language in LANGUAGES:
        with use(language), worded(say):
            fast = plan.model_dump_json()
            assert fast == plan.model_dump_json(warnings=True, by_alias=None)
            assert '"code":' not in fast


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), optional(st.integers(0, 400)))
def test_window_earliest_is_never_before_last_plus_50(
    last: date, recovery_days: int | None
) -> None:

    recovered = None if recovery_days is None else last + timedelta(days=recovery_days)
    window = next_window(last, recovered, TODAY, DEFAULT_SETTINGS)
    assert window.earliest >= last + timedelta(days=50)
    if recovered is not None:
        assert window.earliest >= recovered + timedelta(days=21)


def _same_float(a: float, b: float) -> bool:
    """The same float, bit for bit (so -0.0 is not 0.0, and NaN is NaN)."""
    return struct.pack("<d", a) == struct.pack("<d", b)


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        # short decimals, as clinicians enter them, and their sums and products
        st.integers(-(10**8), 10**8).map(lambda n: n / 100),
        st.integers(-(10**6), 10**6).map(lambda n: n * 0.1),
        st.decimals(-1000, 1000, places=6).map(float),
        # near the largest whole numbers the shortcut takes
        st.floats(2.0**51, 2.0**53).map(lambda x: x / 10**4),
    ),
    st.integers(0, 15),
)
@settings(max_examples=3000)
def test_decimal_round_is_round(value: float, digits: int) -> None:
    assert _same_float(decimal_round(value, digits), round(value, digits))


def test_decimal_round_of_a_whole_number_is_round() -> None:
    for value in (7, -3, 0, 2**60):
        for digits in (0, 2, 4):
            result = decimal_round(value, digits)
            assert (type(result), result) == (int, round(value, digits))


def test_decimal_round_on_ties_and_float_noise() -> None:
    cases = [2.675, 0.125, 0.375, 1.00005, 0.00005, -0.00005, -0.0, 0.0, 34.199999999999996,
             20.52, 1.2 * 17.1, 5e-324, -5e-324, 2.0**52 / 10**4, 4503599627.3705, 1e300]  # fmt: skip
    for value in cases:
        for digits in (0, 1, 2, 4, 9, 15):
            assert _same_float(decimal_round(value, digits), round(value, digits)), (value, digits)

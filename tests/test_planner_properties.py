"""Properties of the planner that must hold for every input (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from planner import Case, plan_case
from planner import ranges as r
from planner.albi import albi_grade, albi_score
from planner.child_pugh import child_pugh
from planner.models import Ascites, Encephalopathy
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
        out["followup"] = {
            "lipiodol": draw(st.sampled_from(["dense", "dense_marginal_defect", "sparse"])),
            "necrosis": draw(st.booleans()),
            "new_lesions": draw(st.booleans()),
            "progression": draw(st.booleans()),
        }
    return out


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
        },
        "liver": {k: v for k, v in liver.items() if v is not None},
    }
    history = draw(histories())
    if history is not None:
        case["history"] = history
    return case


@settings(max_examples=300)
@given(cases())
def test_any_accepted_case_gives_a_plan(raw: dict[str, Any]) -> None:
    try:
        case = Case.model_validate(raw)
    except ValidationError:  # pragma: no cover - the strategy stays within the ranges
        raise AssertionError("the strategy produced a case the models refuse") from None
    plan = plan_case(case)
    assert plan.decision in {"tace", "simple_tace", "ethanol_injection", "hold", "no_tace"}
    if plan.window is not None:
        assert case.history is not None
        assert plan.window.earliest >= case.history.last_intervention + timedelta(days=50)
    if plan.contraindications:
        assert plan.decision == "no_tace"


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), optional(st.integers(0, 400)))
def test_window_earliest_is_never_before_last_plus_50(
    last: date, recovery_days: int | None
) -> None:

    recovered = None if recovery_days is None else last + timedelta(days=recovery_days)
    window = next_window(last, recovered, TODAY, DEFAULT_SETTINGS)
    assert window.earliest >= last + timedelta(days=50)
    if recovered is not None:
        assert window.earliest >= recovered + timedelta(days=21)

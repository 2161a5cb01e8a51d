"""Every cut-off of the scores, tested on both sides (guidelines.md sections 1-3)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import TypeAdapter

from planner.albi import albi, albi_flags, albi_grade, malbi_grade
from planner.child_pugh import INR as INR_CUTOFFS
from planner.child_pugh import (
    albumin_points,
    bilirubin_points,
    child_pugh,
    child_pugh_class,
    child_pugh_flags,
)
from planner.meld import meld, meld_na_score, meld_score
from planner.models import Ascites, ChildPughResult, Encephalopathy
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings
from planner.units import AlbuminUnit, BilirubinUnit
from tests.worded import english

MG, UMOL = BilirubinUnit.MG_DL, BilirubinUnit.UMOL_L
G_DL, G_L = AlbuminUnit.G_DL, AlbuminUnit.G_L


@pytest.mark.parametrize(
    ("value", "unit", "points"),
    [
        (1.99, MG, 1), (2.0, MG, 2), (3.0, MG, 2), (3.01, MG, 3),
        (33.9, UMOL, 1), (34.0, UMOL, 2), (51.0, UMOL, 2), (51.1, UMOL, 3),
    ],
)  # fmt: skip
def test_bilirubin_points(value: float, unit: BilirubinUnit, points: int) -> None:
    assert bilirubin_points(value, unit) == points


@pytest.mark.parametrize(
    ("value", "unit", "points"),
    [
        (3.51, G_DL, 1), (3.5, G_DL, 2), (2.8, G_DL, 2), (2.79, G_DL, 3),
        (35.1, G_L, 1), (35.0, G_L, 2), (28.0, G_L, 2), (27.9, G_L, 3),
    ],
)  # fmt: skip
def test_albumin_points(value: float, unit: AlbuminUnit, points: int) -> None:
    assert albumin_points(value, unit) == points


@pytest.mark.parametrize(("inr", "points"), [(1.69, 1), (1.7, 2), (2.3, 2), (2.31, 3)])
def test_inr_points(inr: float, points: int) -> None:
    assert INR_CUTOFFS.points(inr) == points


@pytest.mark.parametrize(
    ("points", "klass"), [(5, "A"), (6, "A"), (7, "B"), (9, "B"), (10, "C"), (15, "C")]
)
def test_child_pugh_class(points: int, klass: str) -> None:
    assert child_pugh_class(points) == klass


def test_child_pugh_sums_items() -> None:
    result = child_pugh(2.5, MG, 3.0, G_DL, 1.8, Ascites.MODERATE_SEVERE, Encephalopathy.GRADE_3_4)
    assert (result.points, result.class_) == (2 + 2 + 2 + 3 + 3, "C")
    assert TypeAdapter(ChildPughResult).dump_python(result, by_alias=True)["class"] == "C"


@pytest.mark.parametrize(
    ("value", "unit", "flagged"),
    [
        (33.9, UMOL, False), (34.0, UMOL, True), (34.1, UMOL, True), (34.2, UMOL, False),
        (51.0, UMOL, False), (51.1, UMOL, True), (51.3, UMOL, True), (51.4, UMOL, False),
        (1.98, MG, False), (2.0, MG, False), (2.98, MG, False), (3.0, MG, True), (3.01, MG, False),
    ],
)  # fmt: skip
def test_bilirubin_table_disagreement_is_flagged(
    value: float, unit: BilirubinUnit, flagged: bool
) -> None:
    flags = child_pugh_flags(value, unit, 4.0, G_DL)
    assert any("by the table of the unit entered" in english(f.text) for f in flags) is flagged


@pytest.mark.parametrize(
    ("value", "unit", "flagged"),
    [
        (50.0, UMOL, False), (50.1, UMOL, True), (51.0, UMOL, True),
        (2.92, MG, False), (2.95, MG, True), (2.98, MG, True),
    ],
)  # fmt: skip
def test_si_bilirubin_band_50_to_51_is_flagged(
    value: float, unit: BilirubinUnit, flagged: bool
) -> None:
    """Some SI tables cut at 50 umol/L instead of 51 (safety-and-course.md section 11)."""
    flags = child_pugh_flags(value, unit, 4.0, G_DL)
    assert any("cut at 50 umol/L" in english(f.text) for f in flags) is flagged


@pytest.mark.parametrize(
    ("value", "unit", "flagged"),
    [(2.79, G_DL, False), (2.8, G_DL, True), (2.99, G_DL, True), (3.0, G_DL, False),
     (27.9, G_L, False), (28.0, G_L, True), (29.9, G_L, True), (30.0, G_L, False)],
)  # fmt: skip
def test_albumin_harrison_band_is_flagged(value: float, unit: AlbuminUnit, flagged: bool) -> None:
    assert bool(child_pugh_flags(1.0, MG, value, unit)) is flagged


@pytest.mark.parametrize(
    ("bili", "bili_unit", "alb", "alb_unit"),
    [(2.0, MG, 2.9, G_DL), (50.5, UMOL, 28.5, G_L), (3.0, MG, 3.5, G_DL), (51.0, UMOL, 40.11, G_L),
     (0.8, MG, 4.2, G_DL), (17.1, UMOL, 40.11, G_L)],
)  # fmt: skip
@pytest.mark.parametrize(
    "settings",
    [DEFAULT_SETTINGS, ProtocolSettings(child_pugh_albumin_low_g_dl=3.0),
     ProtocolSettings(child_pugh_bilirubin_table="umol_l", albi_albumin_coefficient=-0.0852)],
)  # fmt: skip
def test_flags_from_the_scores_at_hand_are_the_flags_scored_afresh(
    bili: float, bili_unit: BilirubinUnit, alb: float, alb_unit: AlbuminUnit,
    settings: ProtocolSettings,
) -> None:  # fmt: skip
    items = child_pugh(bili, bili_unit, alb, alb_unit, 1.0, Ascites.NONE, Encephalopathy.NONE,
                       settings).items  # fmt: skip
    afresh = child_pugh_flags(bili, bili_unit, alb, alb_unit, settings)
    assert child_pugh_flags(bili, bili_unit, alb, alb_unit, settings, scored=items) == afresh
    grade = albi(bili, bili_unit, alb, alb_unit, settings).grade
    albi_afresh = albi_flags(bili, bili_unit, alb, alb_unit, settings)
    assert albi_flags(bili, bili_unit, alb, alb_unit, settings, graded=grade) == albi_afresh
    # and the scores at hand are what the flags compare (one point off, another flag)
    off = replace(items, bilirubin=items.bilirubin % 3 + 1, albumin=items.albumin % 3 + 1)
    assert child_pugh_flags(bili, bili_unit, alb, alb_unit, settings, scored=off) != afresh


@pytest.mark.parametrize(
    ("score", "grade", "malbi"),
    [
        (-2.61, 1, "1"), (-2.60, 1, "1"), (-2.5999, 2, "2a"), (-2.27, 2, "2a"),
        (-2.2699, 2, "2b"), (-1.39, 2, "2b"), (-1.3899, 3, "3"),
    ],
)  # fmt: skip
def test_albi_grades(score: float, grade: int, malbi: str) -> None:
    assert (albi_grade(score), malbi_grade(score)) == (grade, malbi)


def test_albi_grade_comes_from_the_unrounded_score() -> None:
    result = albi(17.1, UMOL, 40.11, G_L)
    assert (result.score, result.grade) == (-2.6, 2)
    assert albi_flags(17.1, UMOL, 40.11, G_L), "the -0.0852 coefficient gives grade 1 here"


def test_albi_same_grade_under_both_coefficients_is_not_flagged() -> None:
    assert albi_flags(17.1, UMOL, 40.0, G_L) == []


@pytest.mark.parametrize(
    ("creatinine", "bilirubin", "inr", "dialysis", "expected"),
    [
        (0.5, 0.5, 0.9, False, 6),  # every value below 1.0 counts as 1.0
        (1.0, 1.0, 1.0, False, 6),
        (4.0, 1.0, 1.0, False, 20),
        (5.2, 1.0, 1.0, False, 20),  # capped at 4.0
        (1.0, 1.0, 1.0, True, 20),  # dialysis counts as 4.0
        (4.0, 40.0, 8.0, False, 40),  # bounded at 40
    ],
)
def test_meld(
    creatinine: float, bilirubin: float, inr: float, dialysis: bool, expected: int
) -> None:
    assert meld_score(creatinine, bilirubin, inr, dialysis) == expected


@pytest.mark.parametrize(
    ("base", "sodium", "expected"),
    [
        (11, 128, 11),  # MELD-Na only when MELD > 11
        (12, 137, 12),
        (12, 136, 13),  # 12 + 1.32 - 0.396 = 12.92
        (20, 125, 28), (20, 118, 28),  # sodium bounded below at 125
        (20, 137, 20), (20, 150, 20),  # and above at 137
        (40, 125, 40),  # at most 40
    ],
)  # fmt: skip
def test_meld_na(base: int, sodium: float, expected: int) -> None:
    assert meld_na_score(base, sodium) == expected


def test_meld_needs_creatinine_unless_on_dialysis() -> None:
    assert meld(None, 1.0, 1.0, False, 130) is None
    on_dialysis = meld(None, 1.0, 1.0, True, None)
    assert on_dialysis is not None
    assert (on_dialysis.meld, on_dialysis.meld_na, on_dialysis.dialysis_or_capped) == (
        20,
        None,
        True,
    )

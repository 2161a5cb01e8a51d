"""BCLC 2022, CNLC and tumour-burden cut-offs on both sides (guidelines.md sections 4, 5, 9)."""

from __future__ import annotations

import pytest

from planner.models import Pvtt
from planner.staging import StageInput, bclc, cnlc, tumour_burden


def stage(
    ecog: int = 0,
    cp: str = "A",
    count: int = 1,
    cm: float = 1.5,
    pvtt: Pvtt = Pvtt.NONE,
    ehs: bool = False,
) -> StageInput:
    return StageInput(ecog, cp, count, cm, pvtt, ehs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected", "flagged"),
    [
        (stage(cm=2.0), "0", True),
        (stage(cm=1.99), "0", False),
        (stage(cm=2.01), "A", False),
        (stage(cm=2.0, cp="B"), "A", True),  # stage 0 needs Child-Pugh A
        (stage(cm=12.0), "A", False),  # a single nodule of any size is A, never B
        (stage(count=3, cm=3.0), "A", True),
        (stage(count=3, cm=2.99), "A", False),
        (stage(count=3, cm=3.01), "B", False),
        (stage(count=2, cm=3.5), "B", False),
        (stage(count=4, cm=1.0), "B", False),
        (stage(pvtt=Pvtt.VP1), "C", False),
        (stage(ehs=True), "C", False),
        (stage(ecog=1), "C", True),  # by performance status alone: flagged
        (stage(ecog=2, pvtt=Pvtt.VP3), "C", False),
        (stage(ecog=3), "D", False),
        (stage(cp="C"), "D", True),
        (stage(ecog=4, cp="C"), "D", False),
    ],
)
def test_bclc(given: StageInput, expected: str, flagged: bool) -> None:
    result = bclc(given)
    assert (result.stage, bool(result.flags)) == (expected, flagged)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (stage(cm=5.0), "Ia"),
        (stage(cm=5.01), "Ib"),
        (stage(count=3, cm=3.0), "Ib"),
        (stage(count=2, cm=3.01), "IIa"),
        (stage(count=4, cm=1.0), "IIb"),
        (stage(pvtt=Pvtt.VP2), "IIIa"),
        (stage(pvtt=Pvtt.VP2, ehs=True), "IIIb"),
        (stage(ecog=2, cp="B", cm=1.0), "Ia"),
        (stage(ecog=3), "IV"),
        (stage(cp="C"), "IV"),
    ],
)
def test_cnlc(given: StageInput, expected: str) -> None:
    assert cnlc(given) == expected


@pytest.mark.parametrize(
    ("count", "cm", "within", "risk"),
    [
        (1, 5.0, True, "low"),
        (1, 5.01, True, "intermediate"),
        (2, 5.0, True, "intermediate"),
        (2, 5.01, False, "intermediate"),
        (2, 10.0, False, "intermediate"),
        (2, 10.01, False, "high"),
    ],
)
def test_tumour_burden(count: int, cm: float, within: bool, risk: str) -> None:
    burden = tumour_burden(count, cm)
    assert (burden.within_up_to_seven, burden.six_and_twelve) == (within, risk)

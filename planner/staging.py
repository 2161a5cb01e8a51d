"""Staging of HCC: BCLC 2022, CNLC, and the tumour-burden scores up-to-seven and six-and-twelve.

BCLC: Reig et al., J Hepatol 2022;76:681-693 (kept in the 2025 update). CNLC: China's national guideline for
primary liver cancer, 2019/2022/2024 editions. Up-to-seven: Mazzaferro, Lancet Oncol 2009. Six-and-twelve:
Wang et al., J Hepatol 2019. Conventions where sources disagree are those of guidelines.md sections 4-5 and 9,
and the values that sit in a disputed band are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from planner.conventions import Disputed, variant
from planner.decimals import decimal_round
from planner.models import (
    NO_PVTT,
    Pvtt,
    TumourBurden,
)
from planner.said import said
from planner.settings import DEFAULT_SETTINGS, ProtocolSettings

BclcStage = Literal["0", "A", "B", "C", "D"]

BCLC_0_MAX_CM = 2.0
"""Stage 0: single nodule <= 2 cm (2022; older editions print < 2 cm, so exactly 2.0 is flagged)."""
BCLC_A_MULTI_MAX_COUNT = 3
BCLC_A_MULTI_MAX_CM = 3.0
"""Stage A: 2-3 nodules each <= 3 cm (2022; BCLC 1999 printed < 3 cm, so exactly 3.0 is flagged)."""
ECOG_TERMINAL_FROM = 3
"""ECOG 3-4 is stage D (BCLC) and stage IV (CNLC)."""

CNLC_SINGLE_MAX_CM = 5.0
"""CNLC Ia: single <= 5 cm; Ib above."""
CNLC_FEW_MAX_COUNT = 3
CNLC_FEW_MAX_CM = 3.0
"""CNLC Ib: 2-3 tumours, largest <= 3 cm; IIa: largest > 3 cm; IIb: 4 or more."""

UP_TO_SEVEN = 7.0
"""Largest (cm) + number <= 7 is within up-to-seven."""
SIX_AND_TWELVE_LOW_MAX = 6.0
SIX_AND_TWELVE_INTERMEDIATE_MAX = 12.0


@dataclass(slots=True)
class StageInput:
    """What staging needs, in the units staging uses."""

    ecog: int
    child_pugh_class: Literal["A", "B", "C"]
    count: int
    largest_cm: float
    pvtt: Pvtt
    extrahepatic: bool


@dataclass(slots=True)
class Staged:
    """A stage with the flags that say where it hinges on a convention."""

    stage: str
    flags: list[Disputed]


def _within(value: float, limit: float, inclusive: bool) -> bool:
    return value <= limit if inclusive else value < limit


def bclc(s: StageInput, settings: ProtocolSettings = DEFAULT_SETTINGS) -> Staged:
    """BCLC 2022 stage in the guideline's order of assignment."""
    flags: list[Disputed] = []
    inclusive = settings.bclc_inclusive_cut_offs
    if s.ecog >= ECOG_TERMINAL_FROM:
        return Staged("D", flags)
    if s.child_pugh_class == "C":
        flags.append(Disputed(said("flag.bclc_d_child_pugh_c")))
        return Staged("D", flags)
    if s.child_pugh_class == "B":
        flags.append(Disputed(said("flag.bclc_child_pugh_b")))
    if s.pvtt is not NO_PVTT or s.extrahepatic:
        return Staged("C", flags)
    if s.ecog >= 1:
        by_burden = _by_burden(s, inclusive)
        flags.append(Disputed(said("flag.bclc_c_from_ecog", ecog=s.ecog, stage=by_burden)))
        return Staged("C", flags)
    stage = _by_burden(s, inclusive)
    if stage != _by_burden(s, not inclusive):
        text = said("flag.bclc_0_vs_a") if s.count == 1 else said("flag.bclc_a_vs_b")
        older = variant(settings, bclc_inclusive_cut_offs=not inclusive)
        flags.append(Disputed(text, older))
    return Staged(stage, flags)


def _by_burden(s: StageInput, inclusive: bool) -> BclcStage:
    """Stage 0, A or B from the tumour burden, once ECOG, liver function and invasion are ruled out."""
    if s.count == 1:
        if _within(s.largest_cm, BCLC_0_MAX_CM, inclusive) and s.child_pugh_class == "A":
            return "0"
        return "A"
    if s.count <= BCLC_A_MULTI_MAX_COUNT and _within(s.largest_cm, BCLC_A_MULTI_MAX_CM, inclusive):
        return "A"
    return "B"


def cnlc(s: StageInput) -> str:
    """CNLC stage (China's national guideline)."""
    if s.ecog >= ECOG_TERMINAL_FROM or s.child_pugh_class == "C":
        return "IV"
    if s.extrahepatic:
        return "IIIb"
    if s.pvtt is not NO_PVTT:
        return "IIIa"
    if s.count == 1:
        return "Ia" if s.largest_cm <= CNLC_SINGLE_MAX_CM else "Ib"
    if s.count <= CNLC_FEW_MAX_COUNT:
        return "Ib" if s.largest_cm <= CNLC_FEW_MAX_CM else "IIa"
    return "IIb"


def tumour_burden(count: int, largest_cm: float) -> TumourBurden:
    """Up-to-seven and six-and-twelve from the largest diameter and the number of tumours."""
    total = decimal_round(largest_cm + count, 2)
    if total <= SIX_AND_TWELVE_LOW_MAX:
        risk: Literal["low", "intermediate", "high"] = "low"
    elif total <= SIX_AND_TWELVE_INTERMEDIATE_MAX:
        risk = "intermediate"
    else:
        risk = "high"
    # By position: sum, within_up_to_seven, six_and_twelve (planner.models says why).
    return TumourBurden(total, total <= UP_TO_SEVEN, risk)

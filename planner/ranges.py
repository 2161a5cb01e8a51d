"""Plausible ranges of every number a case may carry.

One table serves the JSON models, the dialogues' parsers and their error messages, so that "out of range"
means the same thing on every channel. The bounds are wide on purpose: they catch a slip of the finger (an
albumin of 350 g/L, a bilirubin typed in the wrong unit by a factor of 100), not an unusual patient.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.said import Said, said
from planner.units import AlbuminUnit, BilirubinUnit, CreatinineUnit


@dataclass(frozen=True)
class Range:
    """Inclusive bounds with the unit to show in messages, and a typical value for an example."""

    low: float
    high: float
    unit: str = ""
    typical: float | None = None
    """A value a clinician would recognise, shown when a typed answer is not a number (`Send a
    number, e.g. 45.`): the middle of a range wide enough to catch slips (AST 2500.5 U/L) is not one."""

    def contains(self, value: float) -> bool:
        """Whether the value lies within the inclusive bounds."""
        return self.low <= value <= self.high

    def describe(self) -> str:
        """The message a clinician sees, e.g. 'must be between 1 and 70 g/L'."""
        suffix = f" {self.unit}" if self.unit else ""
        return f"must be between {_num(self.low)} and {_num(self.high)}{suffix}"

    def said(self) -> Said:
        """The same message as a code, for any language: `lang.plan_words.say(bounds.said())`."""
        if self.unit:
            unit = said(f"unit.{self.unit}") if self.unit in WORD_UNITS else self.unit
            return said("error.range_unit", low=_num(self.low), high=_num(self.high), unit=unit)
        return said("error.range", low=_num(self.low), high=_num(self.high))


WORD_UNITS = frozenset({"years", "nodules", "points", "sessions"})
"""Units that are words (worded per language as `unit.<word>`); the others are symbols (mg/dL)."""


def _num(value: float) -> str:
    """A bound written the way a clinician would write it: 70, not 70.0."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


AGE = Range(18, 110, "years", typical=65)
ECOG = Range(0, 4, typical=1)
TUMOUR_COUNT = Range(1, 100, "nodules", typical=2)
TUMOUR_SIZE_CM = Range(0.1, 30, "cm", typical=3.5)
INR = Range(0.5, 10, typical=1.1)
SODIUM = Range(100, 180, "mmol/L", typical=138)
PLATELETS = Range(1, 2000, "x10^9/L", typical=120)
WBC = Range(0.1, 200, "x10^9/L", typical=4.5)
WEIGHT_KG = Range(20, 300, "kg", typical=65)
AFP = Range(0, 10_000_000, "ng/mL", typical=20)
AST = Range(1, 5000, "U/L", typical=45)
CHILD_PUGH_POINTS = Range(5, 15, "points", typical=6)
SESSIONS = Range(1, 100, "sessions", typical=1)
BASELINE_VIABLE_SUM_MM = Range(1, 1000, "mm", typical=40)
"""A baseline sum of 0 mm would leave no viable tumour to follow: mRECIST needs a measurable target."""
VIABLE_SUM_MM = Range(0, 1000, "mm", typical=25)

BILIRUBIN: dict[BilirubinUnit, Range] = {
    BilirubinUnit.MG_DL: Range(0.1, 50, "mg/dL"),
    BilirubinUnit.UMOL_L: Range(1.7, 855, "umol/L"),
}
ALBUMIN: dict[AlbuminUnit, Range] = {
    AlbuminUnit.G_DL: Range(0.1, 7, "g/dL"),
    AlbuminUnit.G_L: Range(1, 70, "g/L"),
}
ALBUMIN_WITHOUT_UNIT: dict[AlbuminUnit, Range] = {
    AlbuminUnit.G_DL: Range(0.1, 7, "g/dL"),
    AlbuminUnit.G_L: Range(10, 70, "g/L"),
}
"""Which unit a bare albumin number is offered in: the two accepted ranges overlap on 1-7, where a
number is g/dL (serum albumin below 10 g/L, i.e. 1 g/dL, is not seen in living patients; a
number of 1-7 g/L is a g/dL reading). Only the unit buttons follow it: nothing is read without
the unit the clinician taps or types."""
CREATININE: dict[CreatinineUnit, Range] = {
    CreatinineUnit.MG_DL: Range(0.1, 25, "mg/dL"),
    CreatinineUnit.UMOL_L: Range(9, 2210, "umol/L"),
}

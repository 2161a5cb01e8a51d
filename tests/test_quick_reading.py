"""What a quick check reads from what a clinician types: the audit's unseen changes, as behaviour."""

from __future__ import annotations

from datetime import date

import pytest

from flows.engine import Dialogues
from flows.quick import parse_quick, start_quick

TODAY = date(2026, 11, 26)
LINE = (
    "/quick bed7 age=70 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none"
)


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("01.09.2026", "2026-09-01"),  # day.month.year: 1 September, not 9 January
        ("2026-09-01", "2026-09-01"),
        ("30.09.2026", "2026-09-30"),
        ("7w", "2026-10-08"),
        ("50d", "2026-10-07"),
    ],
)
def test_dates_as_clinicians_write_them(typed: str, iso: str) -> None:
    check = parse_quick(f"{LINE} last={typed}", TODAY)
    assert check.problems == []
    assert check.answers["last_intervention"] == iso


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("alb=38g/L", {"value": 38.0, "unit": "g/L"}),
        ("alb=3.8g/dL", {"value": 3.8, "unit": "g/dL"}),
        ("alb=38g/l", {"value": 38.0, "unit": "g/L"}),
    ],
)
def test_albumin_keeps_its_unit(typed: str, value: dict[str, object]) -> None:
    check = parse_quick(LINE.replace("alb=4.0g/dL", typed), TODAY)
    assert check.problems == []
    assert check.answers["albumin"] == value


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("bili=1,2mg", {"value": 1.2, "unit": "mg/dL"}),
        ("bili=21umol", {"value": 21.0, "unit": "umol/L"}),
    ],
)
def test_decimal_comma_and_units_of_bilirubin(typed: str, value: dict[str, object]) -> None:
    check = parse_quick(LINE.replace("bili=1.0mg", typed), TODAY)
    assert check.problems == []
    assert check.answers["bilirubin"] == value


def test_an_intervention_without_findings_plans_provisionally() -> None:
    """`last=` alone: the plan is made now, marked provisional, with the findings listed as missing."""
    turn = start_quick(Dialogues(), f"{LINE} last=60d", TODAY)
    assert turn.finished is not None, "planned at once, not a question about lipiodol"
    plan = turn.finished.plan
    assert plan.provisional
    assert "history.followup" in plan.missing
    assert plan.window is not None


@pytest.mark.parametrize(
    "findings", ["lipiodol=dense", "necrosis=yes", "response=cr", "sessions=2"]
)
def test_findings_without_the_intervention_date_are_refused(findings: str) -> None:
    check = parse_quick(f"{LINE} {findings}", TODAY)
    assert check.problems == ["follow-up findings need last=DATE of the intervention"]
    assert start_quick(Dialogues(), f"{LINE} {findings}", TODAY).finished is None

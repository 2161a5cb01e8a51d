"""Reminders a plan implies: imaging due, window opens, window closes (planner.schedule)."""

from __future__ import annotations

from datetime import date
from typing import Any

from planner import Case, ReminderKind, plan_case, reminders_for


def reminders(case: dict[str, Any]) -> list[tuple[ReminderKind, date]]:
    parsed = Case.model_validate(case)
    return [(r.kind, r.due) for r in reminders_for(parsed, plan_case(parsed))]


FOLLOWUP_SPARSE = {
    "lipiodol": "sparse",
    "necrosis": False,
    "new_lesions": False,
    "progression": False,
}


def test_first_plan_has_no_reminders(base_case: dict[str, Any]) -> None:
    assert reminders(base_case) == []


def test_window_opens_and_closes(base_case: dict[str, Any]) -> None:
    base_case.update(today="2026-10-01")
    base_case["history"] = {
        "last_intervention": "2026-09-01",
        "recovered_on": "2026-09-12",
        "followup": FOLLOWUP_SPARSE,
    }
    assert reminders(base_case) == [
        (ReminderKind.WINDOW_OPENS, date(2026, 10, 21)),
        (ReminderKind.WINDOW_CLOSES, date(2026, 12, 1)),
    ]


def test_open_window_only_reminds_of_its_end(base_case: dict[str, Any]) -> None:
    base_case["history"] = {"last_intervention": "2026-09-01", "followup": FOLLOWUP_SPARSE}
    assert reminders(base_case) == [(ReminderKind.WINDOW_CLOSES, date(2026, 12, 1))]


def test_imaging_due_four_weeks_after_the_intervention(base_case: dict[str, Any]) -> None:
    base_case.update(today="2026-09-10")
    base_case["history"] = {"last_intervention": "2026-09-01"}
    assert reminders(base_case) == [
        (ReminderKind.IMAGING_DUE, date(2026, 9, 29)),
        (ReminderKind.WINDOW_OPENS, date(2026, 10, 21)),
        (ReminderKind.WINDOW_CLOSES, date(2026, 12, 1)),
    ]


def test_overdue_imaging_is_due_today(base_case: dict[str, Any]) -> None:
    base_case["history"] = {"last_intervention": "2026-09-01"}
    assert reminders(base_case)[0] == (ReminderKind.IMAGING_DUE, date(2026, 11, 26))


def test_hold_reminds_to_image_again(base_case: dict[str, Any]) -> None:
    base_case["history"] = {
        "last_intervention": "2026-09-01",
        "followup": {**FOLLOWUP_SPARSE, "lipiodol": "dense", "necrosis": True},
    }
    assert reminders(base_case) == [(ReminderKind.IMAGING_DUE, date(2026, 12, 26))]


def test_a_hold_re_images_from_the_day_of_the_imaging_not_from_the_plan(
    base_case: dict[str, Any],
) -> None:
    """Imaging entered weeks late: the re-imaging is counted from it, and is due today when past."""
    held = {**FOLLOWUP_SPARSE, "lipiodol": "dense", "necrosis": True}
    base_case["history"] = {
        "last_intervention": "2026-09-01",
        "followup": {**held, "imaged_on": "2026-11-10"},
    }
    assert reminders(base_case) == [(ReminderKind.IMAGING_DUE, date(2026, 12, 10))]
    base_case["history"]["followup"]["imaged_on"] = "2026-10-01"
    assert reminders(base_case) == [(ReminderKind.IMAGING_DUE, date(2026, 11, 26))]


def test_impossible_window_reminds_on_the_earliest_day_only(base_case: dict[str, Any]) -> None:
    base_case["history"] = {
        "last_intervention": "2026-08-31",
        "recovered_on": "2026-11-20",
        "followup": FOLLOWUP_SPARSE,
    }
    assert reminders(base_case) == [(ReminderKind.WINDOW_OPENS, date(2026, 12, 11))]


def test_impossible_window_reminds_on_its_earliest_day_when_that_is_today(
    base_case: dict[str, Any],
) -> None:
    base_case["history"] = {
        "last_intervention": "2026-08-31",
        "recovered_on": "2026-11-20",
        "followup": FOLLOWUP_SPARSE,
    }
    base_case["today"] = "2026-12-11"
    assert reminders(base_case) == [(ReminderKind.WINDOW_OPENS, date(2026, 12, 11))]
    base_case["today"] = "2026-12-12"
    assert reminders(base_case) == []


def test_contraindicated_plan_has_no_reminders(base_case: dict[str, Any]) -> None:
    base_case["ecog"] = 4
    base_case["history"] = {"last_intervention": "2026-09-01"}
    assert reminders(base_case) == []

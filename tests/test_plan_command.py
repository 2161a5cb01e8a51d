"""`liverbot plan` errors: exit 2, one line naming the field, nothing on standard output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.plan_command import run
from planner import Case
from planner.errors import first_error


def call(text: str, today: date = date(2026, 11, 26)) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run("-", stdin=io.BytesIO(text.encode()), stdout=out, stderr=err, today=today)
    return status, out.getvalue(), err.getvalue()


def with_change(case: dict[str, Any], path: str, value: Any) -> str:
    node = case
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return json.dumps(case)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("liver.albumin", {"value": 350, "unit": "g/L"}, "liver.albumin.value: must be between 1 and 70 g/L"),
        ("liver.albumin.value", 35, "liver.albumin.value: must be between 0.1 and 7 g/dL"),
        ("liver.albumin.unit", "mg", "liver.albumin.unit: input should be 'g/L' or 'g/dL'"),
        ("age", 7, "age: must be between 18 and 110 years"),
        ("age", "old", "age: input should be a valid integer"),
        ("age", "72", "age: input should be a valid integer"),
        ("tumour.extrahepatic", "no", "tumour.extrahepatic: input should be a valid boolean"),
        ("liver.inr", "1.2", "liver.inr: input should be a valid number"),
        # JSON's NaN and Infinity (Python's json reads them) are out of range, never a plan.
        ("liver.inr", float("nan"), "liver.inr: must be between 0.5 and 10"),
        ("liver.inr", float("inf"), "liver.inr: must be between 0.5 and 10"),
        ("tumour.afp", float("-inf"), "tumour.afp: must be between 0 and 10000000 ng/mL"),
        ("liver.inr", 10.01, "liver.inr: must be between 0.5 and 10"),
        ("age", 111, "age: must be between 18 and 110 years"),
        ("age", 18.0, "age: input should be a valid integer"),
        ("ecog", 5, "ecog: must be between 0 and 4"),
        ("tumour.count", 0, "tumour.count: must be between 1 and 100 nodules"),
        ("tumour.pvtt", "vp5", "tumour.pvtt: input should be 'none', 'vp1', 'vp2', 'vp3' or 'vp4'"),
        ("liver.inr", ..., "liver.inr: is required"),
        ("liver.albumine", 3, "liver.albumine: is not a known field"),
        ("liver.bilirubin.value", 0.01, "liver.bilirubin.value: must be between 0.1 and 50 mg/dL"),
        ("today", "2026-13-01",
         "today: input should be a valid date or datetime, month value is outside expected range of 1-12"),
    ],
)  # fmt: skip
def test_bad_field_is_named(
    base_case: dict[str, Any], path: str, value: Any, message: str
) -> None:
    assert call(with_change(base_case, path, value)) == (2, "", message + "\n")


def test_history_dates_are_checked(base_case: dict[str, Any]) -> None:
    base_case["history"] = {"last_intervention": "2026-12-01"}
    status, out, err = call(json.dumps(base_case))
    assert (status, out) == (2, "")
    assert err == "history.last_intervention: 2026-12-01 is after today (2026-11-26)\n"
    base_case["history"] = {"last_intervention": "2026-09-01", "recovered_on": "2026-08-01"}
    assert call(json.dumps(base_case))[2] == (
        "history.recovered_on: must not be before last_intervention (2026-09-01)\n"
    )


@pytest.mark.parametrize("absent", ["missing", "null"])
def test_missing_today_is_the_current_date(base_case: dict[str, Any], absent: str) -> None:
    if absent == "missing":
        del base_case["today"]
    else:
        base_case["today"] = None
    status, out, _ = call(json.dumps(base_case), today=date(2027, 1, 2))
    assert (status, json.loads(out)["today"]) == (0, "2027-01-02")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "input: not valid JSON (Expecting property name enclosed in double quotes, line 1 column 2)"),
        ("", "input: not valid JSON (Expecting value, line 1 column 1)"),
        ("42", "input: must be a JSON object (a case)"),
        ("[{}, 3]", "[0].age: is required"),
    ],
)  # fmt: skip
def test_not_a_case(text: str, message: str) -> None:
    assert call(text) == (2, "", message + "\n")


def test_error_in_second_case_of_an_array_names_its_index(base_case: dict[str, Any]) -> None:
    bad = json.loads(with_change(json.loads(json.dumps(base_case)), "liver.inr", 50))
    assert call(json.dumps([base_case, bad]))[2] == "[1].liver.inr: must be between 0.5 and 10\n"


def test_real_command_exit_status_and_streams(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "plan", str(missing)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"{missing}: cannot be read")


def run_bytes(data: bytes) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run("-", stdin=io.BytesIO(data), stdout=out, stderr=err, today=date(2026, 11, 26))
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "input: nested more than 32 levels deep\n"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, "input: nested more than 32 levels deep\n"),
        (b"\xff\xfe{}", "input: is not UTF-8 text (byte 0)\n"),
        (b" " * (10 * 1024 * 1024 + 1), "input: larger than 10 MB\n"),
        (b'{"age": ' + b"7" * 5000 + b"}", "input: a number too long to read\n"),
    ],
    ids=["deep-array", "deep-object", "latin-1", "too-large", "long-number"],
)
def test_unreadable_input_exits_2_with_one_line(data: bytes, message: str) -> None:
    assert run_bytes(data) == (2, "", message)


def test_a_byte_order_mark_is_accepted(base_case: dict[str, Any]) -> None:
    status, out, err = run_bytes(b"\xef\xbb\xbf" + json.dumps(base_case).encode())
    assert (status, err) == (0, "")
    assert json.loads(out)["decision"] == "tace"


def test_deep_nesting_through_the_real_command_is_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "plan", "-"],
        input="[" * 200_000, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("imaged_on", "message"),
    [
        (
            "2026-08-01",
            "history.followup.imaged_on: must not be before last_intervention (2026-09-01)",
        ),
        ("2026-12-01", "history.followup.imaged_on: 2026-12-01 is after today (2026-11-26)"),
    ],
)
def test_the_imaging_day_lies_between_the_intervention_and_today(
    base_case: dict[str, Any], imaged_on: str, message: str
) -> None:
    base_case["history"] = {
        "last_intervention": "2026-09-01",
        "followup": {
            "lipiodol": "dense", "necrosis": True, "new_lesions": False, "progression": False,
            "imaged_on": imaged_on,
        },
    }  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        Case.model_validate(base_case)
    assert first_error(exc.value) == message

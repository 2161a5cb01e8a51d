"""Shared test fixtures: the worked cases and a valid base case to vary."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


def load_vectors() -> list[dict[str, Any]]:
    """The worked cases shipped with the tests (tests/data/clinical/SOURCE.md)."""
    return json.loads((DATA / "clinical" / "vectors.json").read_text())["cases"]


BASE_CASE: dict[str, Any] = {
    "today": "2026-11-26",
    "age": 62,
    "ecog": 0,
    "tumour": {
        "type": "hcc",
        "count": 2,
        "largest_cm": 3.5,
        "pvtt": "none",
        "pvtt_collaterals": False,
        "extrahepatic": False,
    },
    "liver": {
        "bilirubin": {"value": 0.8, "unit": "mg/dL"},
        "albumin": {"value": 4.2, "unit": "g/dL"},
        "inr": 1.05,
        "ascites": "none",
        "encephalopathy": "none",
        "creatinine": {"value": 0.8, "unit": "mg/dL"},
        "sodium": 140,
    },
}


@pytest.fixture
def base_case() -> dict[str, Any]:
    """A fresh deep copy of a plain CP-A, BCLC-B case (two 3.5 cm nodules) to modify."""
    return copy.deepcopy(BASE_CASE)


def pytest_configure(config: pytest.Config) -> None:
    """PTB 22 warns (an error here) unless durations are opted in as timedelta; serve does the same."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")

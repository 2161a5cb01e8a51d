"""Shared test fixtures: the worked cases and a valid base case to vary."""

from __future__ import annotations

import copy
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.fakebotapi import FakeBotApi

# No wall-clock assertion in the suite (timing belongs in `make bench`): hypothesis's per-example
# deadline fails a correct test when the machine is busy, so it is off for every property test.
settings.register_profile("liverbot", deadline=None)
settings.load_profile("liverbot")

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


PATIENT_DATA = re.compile(
    r"\b(?:bed ?\d+|rl\d+|u\d+r\d+q?)\b|\b\d+(?:\.\d+)?\s?(?:mg/dL|g/dL|g/L|u?mol/L|µmol/L)",
    re.IGNORECASE,
)
"""The labels the tests give patients, and lab values with their units."""
OURS = ("bot", "flows", "planner", "bench")


def assert_no_patient_data(log_text: str) -> None:
    """For the log of a `liverbot serve` process: the same check as for the suite's own logs."""
    found = PATIENT_DATA.findall(log_text)
    assert found == [], f"patient data in the log: {found[:5]}"


class _Collect(logging.Handler):
    """Every record of the run: INFO and up from anyone, DEBUG too from our own packages."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("tests."):
            return  # the fake Bot API plays Telegram, which does see the messages
        if record.levelno < logging.INFO and not record.name.startswith(OURS):
            return
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]}"
        if PATIENT_DATA.search(text):
            self.leaks.append(f"{record.name}: {text[:200]}")


@pytest.fixture(autouse=True)
def _no_patient_data_in_logs() -> Iterator[None]:
    """Across the whole suite, no log line carries a patient label or a clinical value."""
    handler = _Collect()
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in OURS}
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in OURS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)
    assert handler.leaks == [], "patient data in the logs"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API for a bot test; it must end with no spec violation and no unanswered press."""
    async with FakeBotApi() as fake:
        yield fake
        fake.assert_no_violations()
        assert fake.unanswered_callbacks() == []


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A fresh database file for the bot under test."""
    return tmp_path / "liverbot.db"

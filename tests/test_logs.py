"""The log checks themselves: the suite-wide collector catches leaks, `redacted` drops messages."""

from __future__ import annotations

import logging

import pytest
from telegram.error import Forbidden

from bot.tg.logs import redacted
from tests.conftest import _Collect


@pytest.mark.parametrize(
    ("message", "leak"),
    [
        ("patient 12 created by owner 1001", False),
        ("reminder 7 sent (late)", False),
        ("saved for bed7", True),
        ("label Bed 12 seen", True),
        ("bilirubin 1.2 mg/dL", True),
        ("albumin 38 g/L", True),
        ("creatinine 80 umol/L", True),
    ],
)
def test_the_collector_flags_labels_and_lab_values(message: str, leak: bool) -> None:
    collector = _Collect()
    collector.emit(logging.LogRecord("bot.x", logging.INFO, __file__, 1, message, None, None))
    assert bool(collector.leaks) == leak


def test_the_fake_servers_own_logs_are_not_ours() -> None:
    collector = _Collect()
    collector.emit(logging.LogRecord("tests.fakebotapi", logging.INFO, "", 1, "bed7", None, None))
    assert collector.leaks == []


def test_redacted_keeps_the_frames_and_drops_a_message_that_quotes_input() -> None:
    typed = "bed7 1.2 mg/dL"  # traceback lines show source, so the input stays out of it
    try:
        try:
            raise ValueError(f"bilirubin {typed!r} is not a number")
        except ValueError as inner:
            raise RuntimeError(f"while saving {typed}") from inner
    except RuntimeError as exc:
        text = redacted(exc)
    assert "bed7" not in text
    assert "mg/dL" not in text
    assert "RuntimeError" in text
    assert "ValueError" in text
    assert "test_redacted_keeps_the_frames" in text


def test_redacted_keeps_telegrams_own_description() -> None:
    assert redacted(Forbidden("Forbidden: bot was blocked by the user")).endswith(
        "Forbidden: bot was blocked by the user"
    )

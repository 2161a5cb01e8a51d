"""The fuzz targets: each takes bytes and must not raise, whatever the bytes are.

They are plain functions so that both atheris (`python -m fuzz`) and the tests can call them.
"""

from __future__ import annotations

import contextlib
from datetime import date

from bot.tg.callbacks import callback_data, decode, split_text
from flows.engine import Dialogues
from flows.parsing import Invalid
from flows.questions import BY_ID, parse_answer
from flows.quick import parse_quick, start_quick

TODAY = date(2026, 11, 26)
DIALOGUES = Dialogues()
QUESTIONS = sorted(BY_ID)
KNOWN = {
    "label": "bed7", "tumour_type": "hcc", "count": 2, "pvtt": "none", "earlier": True,
    "last_intervention": "2026-09-01", "imaged": True,
}  # fmt: skip
"""Answers a question may depend on (its `when` and date checks)."""


def text_of(data: bytes) -> str:
    """Bytes as a clinician's text, including invalid UTF-8 turned into replacement characters."""
    return data.decode("utf-8", errors="replace")


def quick(data: bytes) -> None:
    """The one-line quick check: parsed, and started as a dialogue."""
    line = text_of(data)
    parse_quick(line, TODAY)
    parse_quick("/quick " + line, TODAY)
    start_quick(DIALOGUES, "/quick " + line, TODAY)


def questions(data: bytes) -> None:
    """Every question's parser on the same text: an answer or `Invalid`, nothing else."""
    text = text_of(data)
    for qid in QUESTIONS:
        with contextlib.suppress(Invalid):
            parse_answer(BY_ID[qid], text, dict(KNOWN), TODAY)


def buttons(data: bytes) -> None:
    """Callback data from anyone (a forged press), and long texts to split."""
    text = text_of(data)
    press = decode(text)
    if press is not None:
        assert decode(callback_data(press)) == press
    parts = split_text(text)
    assert all(1 <= len(p) <= 4096 for p in parts)


TARGETS = {"quick": quick, "questions": questions, "buttons": buttons}

"""Fuzzing: no input a clinician (or anyone) can send makes the parsers or the assistant raise.

Hypothesis drives the fuzz targets and whole conversations here; atheris, coverage-guided, runs
the same targets for a bounded number of inputs (`python -m fuzz TARGET -runs=N` runs longer).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.actions import DIALOGUE_ACTS, Act, Action
from bot.assistant import Assistant
from bot.conversation import Conversation
from bot.settings import Settings
from bot.store import Store
from flows.questions import BY_ID
from flows.quick import KEYS
from flows.state import DialogueState
from fuzz.targets import TARGETS
from tests.botkit import REPO

COMMANDS = ["/new", "/quick", "/followup", "/patients", "/patient", "/reminders", "/forget",
            "/help", "/cancel", "/back", "/skip", "/start", "confirm", "keep"]  # fmt: skip
BUTTONS = sorted({c.value for q in BY_ID.values() for c in q.buttons()} | {"edit:count"})
QUICK_LINE = st.lists(
    st.tuples(st.sampled_from(sorted(KEYS)), st.text(max_size=12)).map(lambda kv: "=".join(kv)),
    max_size=12,
).map(" ".join)
INPUT = st.one_of(
    st.sampled_from(COMMANDS),
    st.sampled_from(BUTTONS),
    st.sampled_from(
        [f"forget-yes:{i}" for i in range(3)] + ["reminder-snooze:1", "reminder-done:x"]
    ),
    st.builds(lambda c, t: f"{c} {t}", st.sampled_from(COMMANDS), st.text(max_size=20)),
    QUICK_LINE.map(lambda line: f"/quick bed7 {line}"),
    st.text(max_size=40),
)


@pytest.mark.parametrize("target", sorted(TARGETS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=300), QUICK_LINE.map(str.encode)))
def test_fuzz_targets_never_raise(target: str, data: bytes) -> None:
    TARGETS[target](data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=st.lists(INPUT, min_size=1, max_size=25))
def test_any_conversation_never_raises_and_keeps_a_valid_state(inputs: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "f.db"
        with Store(db) as store:
            conversation = Conversation(store, Assistant(store, Settings(LIVERBOT_DB=db)))
            for update_id, text in enumerate(inputs, start=1):
                outcome = conversation.process(7, 7, update_id, text)
                assert outcome.messages, f"no reply to {text!r}"
                state = store.load_dialogue(7, 7)
                if state is not None:
                    DialogueState.model_validate(state)


PRESS = st.builds(
    Action,
    act=st.sampled_from(list(Act)),
    value=st.sampled_from(BUTTONS),
    dialogue=st.one_of(st.none(), st.integers(0, 4)),
    step=st.one_of(st.none(), st.sampled_from(sorted(BY_ID))),
    target=st.one_of(st.none(), st.integers(0, 3)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=st.lists(st.one_of(INPUT, PRESS), min_size=1, max_size=25))
def test_a_press_of_another_dialogue_or_step_never_changes_anything(
    inputs: list[str | Action],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "f.db"
        with Store(db) as store:
            conversation = Conversation(store, Assistant(store, Settings(LIVERBOT_DB=db)))
            for update_id, received in enumerate(inputs, start=1):
                before = store.load_dialogue(7, 7)
                outcome = conversation.process(7, 7, update_id, received)
                if not isinstance(received, Action) or received.act not in DIALOGUE_ACTS:
                    continue
                current = before is not None and (before["id"], before["state"]) == (
                    received.dialogue, received.step,
                )  # fmt: skip
                if not current:
                    assert outcome.stale is not None
                    assert store.load_dialogue(7, 7) == before


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_atheris_finds_no_crash(target: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fuzz", target, "-runs=3000", "-seed=1"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done 3000 runs" in done.stderr

"""Callback data, message splitting and the redelivery guard, without Telegram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import Act, Action, Button, Message
from bot.assistant import Assistant
from bot.conversation import REDELIVERY_WINDOW, Conversation
from bot.settings import Settings
from bot.store import Store
from bot.tg.callbacks import (
    CALLBACK_LIMIT,
    callback_data,
    decode,
    encode,
    rows,
    split_text,
    with_choice,
)
from flows.engine import EDIT_PICK, SUMMARY
from flows.questions import BY_ID
from flows.render import MESSAGE_LIMIT, words_for

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
UNIT_CHOICE = "999999.99 umol/L"
"""The longest unit button the flows make: a re-asked number with its unit."""
BIG_ID = 10**12
"""A dialogue id far beyond any store's lifetime, for the worst-case length."""


def answer(value: str, step: str, dialogue: int = 7) -> Action:
    return Action(act=Act.ANSWER, value=value, dialogue=dialogue, step=step)


def test_every_answer_button_of_every_question_fits_telegrams_64_bytes() -> None:
    steps = [*BY_ID, SUMMARY, EDIT_PICK]
    values = [c.value for q in BY_ID.values() for c in q.buttons()]
    values += [f"edit:{q}" for q in BY_ID] + ["confirm", "keep", UNIT_CHOICE]
    longest = max(len(callback_data(answer(v, s, BIG_ID)).encode()) for v in values for s in steps)
    assert longest <= CALLBACK_LIMIT


@pytest.mark.parametrize(
    "action",
    [
        answer("hcc", "tumour_type"),
        answer("a:b:c", "count"),
        Action(act=Act.FORGET, target=12),
        Action(act=Act.SNOOZE, target=3),
        Action(act=Act.CONTINUE, dialogue=4, step="count"),
    ],
)
def test_callback_data_round_trips(action: Action) -> None:
    assert decode(callback_data(action)) == action


@pytest.mark.parametrize(
    "data",
    [None, "", "x", "q:count:hcc", "c:forget-yes:5", "a:x:count::hcc", "z::::", "a:07:count::1",
     "f:::five:", "forget-yes:5"],
)  # fmt: skip
def test_foreign_callback_data_is_not_ours(data: str | None) -> None:
    assert decode(data) is None


def test_callback_data_over_64_bytes_is_refused() -> None:
    fits = Action(act=Act.ANSWER, value="é" * 29, dialogue=None, step=None)  # "a::::" + 58 bytes
    assert len(callback_data(fits).encode()) == 63
    with pytest.raises(ValueError, match="65 bytes"):
        callback_data(fits.model_copy(update={"value": "é" * 30}))


@pytest.mark.parametrize("size", [1, MESSAGE_LIMIT - 1, MESSAGE_LIMIT, MESSAGE_LIMIT + 1])
def test_split_text_keeps_every_character_within_the_limit(size: int) -> None:
    text = "\n".join("x" * 70 for _ in range(size // 71 + 1))[:size]
    parts = split_text(text)
    assert all(1 <= len(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts) == text
    assert len(parts) == (1 if size <= MESSAGE_LIMIT else 2)


def test_a_single_huge_line_is_cut_hard() -> None:
    parts = split_text("y" * (2 * MESSAGE_LIMIT + 5))
    assert [len(p) for p in parts] == [MESSAGE_LIMIT, MESSAGE_LIMIT, 5]


def test_buttons_go_under_the_last_part_of_a_long_message() -> None:
    yes = Button(label="Yes", action=answer("yes", "earlier"))
    encoded = encode([Message(text="line\n" * 1500, buttons=[yes])])
    assert [bool(m.buttons) for m in encoded] == [False, True]
    assert encoded[-1].buttons == [[("Yes", "a:7:earlier::yes")]]


def test_button_rows_suit_a_phone() -> None:
    counts = [(str(i), f"c:{i}") for i in range(1, 5)] + [("5+", "c:5")]
    assert [len(r) for r in rows(counts)] == [5]
    short = [(f"Grade {i}", f"c:{i}") for i in range(5)]
    assert [len(r) for r in rows(short)] == [3, 2]
    middling = [("Moderate-severe", "c:x")] * 3
    assert [len(r) for r in rows(middling)] == [2, 1]
    assert [len(r) for r in rows([("A much longer label here", "c:x")] * 2)] == [1, 1]
    assert [len(r) for r in rows(short, columns=2)] == [2, 2, 1]


def test_with_choice_stays_within_the_limit() -> None:
    assert with_choice("Ascites?", "None") == "Ascites?\n\n→ None"
    edited = with_choice("z" * MESSAGE_LIMIT, "Moderate or severe")
    assert len(edited) == MESSAGE_LIMIT
    assert edited.endswith("…\n\n→ Moderate or severe")


# -- applying an input once ------------------------------------------------------------------------


@pytest.fixture
def conversation(tmp_path: Path) -> Conversation:
    clock = [NOW]
    store = Store(tmp_path / "c.db", clock=lambda: clock[0])
    settings = Settings(LIVERBOT_DB=tmp_path / "c.db")
    conv = Conversation(
        store, Assistant(store, settings, clock=lambda: clock[0]), lambda: clock[0]
    )
    conv.now = clock  # type: ignore[attr-defined]
    return conv


def test_a_redelivered_update_is_applied_once_and_its_reply_sent_again(
    conversation: Conversation,
) -> None:
    first = conversation.process(1, 1, 100, "/new")
    label = conversation.process(1, 1, 101, "bed7")
    again = conversation.process(1, 1, 101, "bed7")
    assert again.repeat
    assert again.messages == label.messages
    assert conversation.assistant.dialogue_step(1, 1) == "age"
    older = conversation.process(1, 1, 100, "/new")
    assert older.messages == []
    assert conversation.assistant.dialogue_step(1, 1) == "age"
    assert first.messages != older.messages


def test_a_lower_update_id_after_a_day_is_a_new_input(conversation: Conversation) -> None:
    conversation.process(1, 1, 500, "/new")
    conversation.now[0] = NOW + REDELIVERY_WINDOW + timedelta(seconds=1)  # type: ignore[attr-defined]
    fresh = conversation.process(1, 1, 7, "bed7")
    assert not fresh.repeat
    assert conversation.assistant.dialogue_step(1, 1) == "age"


def test_a_button_of_another_step_is_stale(conversation: Conversation) -> None:
    started = conversation.process(1, 1, 1, "/new")
    conversation.process(1, 1, 2, "bed7")
    assert started.dialogue is not None
    stale = conversation.process(1, 1, 3, answer("66", "label", started.dialogue))
    assert stale.stale == "That question was already answered: nothing changed."
    assert stale.messages == []
    current = conversation.process(1, 1, 4, answer("66", "age", started.dialogue))
    assert current.stale is None
    assert conversation.assistant.dialogue_step(1, 1) == "ecog"


def test_each_chat_has_its_own_last_update(conversation: Conversation) -> None:
    conversation.process(1, 1, 10, "/new")
    conversation.process(2, 2, 11, "/new")
    conversation.process(1, 1, 12, "bed7")
    assert conversation.assistant.dialogue_step(2, 2) == "label"
    assert conversation.assistant.dialogue_step(1, 1) == "age"


@pytest.mark.parametrize("command", ["/followup", "/patient", "/forget"])
@pytest.mark.parametrize("label", ["\x1b", "x" * 65, "bed\n7"])
def test_a_label_no_patient_can_have_is_answered_not_raised(
    conversation: Conversation, command: str, label: str
) -> None:
    # Found by the fuzz test: the store refuses such labels with ValueError.
    outcome = conversation.process(1, 1, 1, f"{command} {label}")
    assert outcome.messages
    assert "patient" in outcome.messages[0].text.lower()


def test_a_choice_too_long_for_a_button_is_left_off_not_fatal() -> None:
    fits = Button(label="1 mg/dL", action=answer("1 mg/dL", "bilirubin"))
    too_long = Button(label="x", action=answer("9" * 70, "bilirubin"))
    (message,) = encode([Message(text="Which unit?", buttons=[fits, too_long])])
    assert message.buttons == [[("1 mg/dL", "a:7:bilirubin::1 mg/dL")]]


@pytest.mark.parametrize(
    ("decision", "approach", "words"),
    [
        ("tace", "superselective", "super-selective TACE"),
        ("tace", None, "TACE"),
        ("simple_tace", "superselective", "plain chemo-embolization (ultra-selective)"),
        ("ethanol_injection", None, "ethanol injection"),
        ("no_tace", None, "no TACE"),
        ("something_new", None, "something new"),
    ],
)
def test_stored_decisions_read_as_words(decision: str, approach: str | None, words: str) -> None:
    assert words_for(decision, approach) == words


def test_the_patient_list_and_history_use_words(conversation: Conversation) -> None:
    line = (
        "age=66 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 ascites=none he=none"
    )
    conversation.process(1, 1, 1, f"/quick bed7 {line}")
    listed = conversation.process(1, 1, 2, "/patients").messages[0].text
    history = conversation.process(1, 1, 3, "/patient bed7").messages[0].text
    assert listed == "Your patients:\nbed7: TACE"
    assert "plan: super-selective TACE (BCLC B, Child-Pugh A5)" in history

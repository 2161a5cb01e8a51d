"""Every input path ends in a clear answer (issue 14): odd typed values, look-alike labels,
forwarded messages, presses outside the private chat, forged presses with huge ids."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store
from bot.tg.callbacks import decode
from bot.tg.handlers import EXPIRED, FORWARDED, PRIVATE_ONLY
from flows.parsing import Invalid, normalize_label, whole_number
from tests.botkit import REPO, USER, running_bot, services, settled
from tests.fakebotapi import FakeBotApi

QUICK = (
    "/quick {label} age=66 ecog=0 n=2 size=3.5 pvtt=none bili=1.0mg alb=4.0g/dL inr=1.1 "
    "ascites=none he=none"
)
HUGE = "9" * 5000


def test_odd_typed_values_never_stop_the_terminal_chat(tmp_path: Path) -> None:
    lines = [
        "forget-yes:²", f"/forget {HUGE}", "/new", "bed7", "²", HUGE, "99999999999999999999999",
        "٣", "/cancel", "/help",
    ]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "x.db")],
        cwd=REPO, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-500:]
    assert "Traceback" not in done.stderr
    assert "liverbot plans TACE" in done.stdout, "the input after the odd values was answered"


@pytest.mark.parametrize(
    ("typed", "number"),
    [("3", 3), (" 12 ", 12), ("²", None), ("٣", None), (HUGE, None), ("-1", None), ("", None)],
)
def test_a_typed_option_number_is_ascii_digits_only(typed: str, number: int | None) -> None:
    assert whole_number(typed) == number


@pytest.mark.parametrize(
    "data", ["f:::99999999999999999999:", f"f:::{HUGE}:", "a:99999999999999999999:count::2"]
)
def test_a_forged_press_with_a_huge_id_is_not_ours(data: str) -> None:
    assert decode(data) is None


async def test_a_forged_press_with_a_huge_id_is_answered_expired(
    server: FakeBotApi, db: Path
) -> None:
    async with running_bot(server, db):
        server.push_text(USER, "/help")
        help_message = await server.next_message(USER)
        server.push_callback(
            USER, help_message.message_id, "f:::99999999999999999999:", check_button=False
        )
        await server.wait_for_request("answerCallbackQuery")
    (record,) = server.state.callbacks.values()
    assert record.answer == {"text": EXPIRED}


@pytest.mark.parametrize(
    ("typed", "same_as"), [("bed٧", "bed7"), ("ｂｅｄ７", "bed7"), ("BED7", "BED7")]
)
def test_labels_that_look_the_same_are_the_same(typed: str, same_as: str) -> None:
    assert normalize_label(typed) == same_as


@pytest.mark.parametrize("typed", ["bеd7", "bed7α", "Ѕ-014a"])  # Cyrillic е, Greek α, Cyrillic Ѕ
def test_a_label_mixing_alphabets_is_refused(typed: str) -> None:
    with pytest.raises(Invalid, match="mixes alphabets"):
        normalize_label(typed)


def test_look_alike_labels_make_one_patient_or_none(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        assistant = Assistant(store, Settings(LIVERBOT_DB=tmp_path / "x.db"))
        for label in ("bed7", "bed٧", "ｂｅｄ７"):
            assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, QUICK.format(label=label))
        refused = assistant.handle(TERMINAL_OWNER, TERMINAL_OWNER, QUICK.format(label="bеd7"))
        assert any("mixes alphabets" in m.text for m in refused.messages)
        patients = store.list_patients(TERMINAL_OWNER)
    assert [p.patient.label for p in patients] == ["bed7"]


async def test_a_forwarded_message_is_not_applied(server: FakeBotApi, db: Path) -> None:
    async with running_bot(server, db) as app:
        server.push_text(USER, "/new")
        await server.next_message(USER)
        origin = {"type": "hidden_user", "date": int(time.time()), "sender_user_name": "Dr X"}
        server.push_text(USER, "bed7", forward_origin=origin)
        told = await server.next_message(USER)
        assert told.text == FORWARDED
        assert services(app).assistant.dialogue_step(USER, USER) == "label", "nothing applied"


@pytest.mark.parametrize("group_id", [-100123, None], ids=["group", "inline"])
async def test_a_press_outside_the_private_chat_is_answered_with_a_refusal(
    server: FakeBotApi, db: Path, group_id: int | None
) -> None:
    async with running_bot(server, db) as app:
        server.push_foreign_callback(USER, "f:::1:", group_id=group_id)
        await server.wait_for_request("answerCallbackQuery")
        await settled(server, app)
        assert services(app).store.audit_entries() == []
    (record,) = server.state.callbacks.values()
    assert record.answer == {"text": PRIVATE_ONLY}

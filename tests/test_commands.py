"""The command registry drives the dispatch, /help and the menu: one list, no drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant import HELP, Assistant
from bot.commands import COMMANDS, find, menu
from bot.settings import Settings
from bot.store import Store
from bot.tg.app import COMMANDS as TELEGRAM_MENU

FALLBACK = "Send /new for an assessment"


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    store = Store(tmp_path / "c.db")
    return Assistant(store, Settings(LIVERBOT_DB=tmp_path / "c.db"))


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_is_dispatched_in_any_case(assistant: Assistant, command: str) -> None:
    for spelled in (f"/{command}", f"/{command.upper()}"):
        reply = assistant.handle(1, 1, spelled)
        assert reply.messages
        assert not reply.messages[0].text.startswith(FALLBACK), spelled


def test_help_and_the_telegram_menu_list_the_same_commands() -> None:
    listed = [line.split(":")[0].split()[0] for line in HELP.splitlines() if line.startswith("/")]
    assert listed == [f"/{name}" for name, _ in menu()]
    assert [(c.command, c.description) for c in TELEGRAM_MENU] == menu()


@pytest.mark.parametrize("word", ["/new@liverbot_test_bot", "new", "/nope", "/", ""])
def test_the_core_knows_no_bot_mentions(word: str) -> None:
    assert find(word) is None

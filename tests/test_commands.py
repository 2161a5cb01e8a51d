"""The command registry drives the dispatch, /help and the menu: one list, no drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.commands import BY_NAME, COMMANDS, find, help_text, language_named, menu
from bot.settings import Settings
from bot.store import Store
from bot.tg.app import commands_in
from lang import LANGUAGES, use

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


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_help_and_the_telegram_menu_list_the_same_commands(language: str) -> None:
    with use(language):
        shown = help_text()
        listed = [re.split(r"[\s:：]", line)[0] for line in shown.splitlines() if line[:1] == "/"]
        assert listed == [f"/{name}" for name, _ in menu()]
        assert [(c.command, c.description) for c in commands_in(language)] == menu()


@pytest.mark.parametrize(
    ("typed", "code"),
    [("zh", "zh"), ("zh-Hans", "zh"), ("中文", "zh"), (" EN ", "en"), ("English", "en"),
     ("en-GB", "en"), ("fr", None), ("", None), ("zhx", None)],
)  # fmt: skip
def test_language_named_reads_codes_tags_and_names(typed: str, code: str | None) -> None:
    assert language_named(typed) == code


def test_a_full_width_command_is_the_command() -> None:
    """A Chinese input method types `／` and full-width letters."""
    assert find("／ｎｅｗ") is BY_NAME["new"]
    assert find("／language") is BY_NAME["language"]


@pytest.mark.parametrize("word", ["/new@liverbot_test_bot", "new", "/nope", "/", ""])
def test_the_core_knows_no_bot_mentions(word: str) -> None:
    assert find(word) is None

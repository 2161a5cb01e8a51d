"""`liverbot chat`: the terminal channel, on the same assistant and SQLite store as the bot.

Choices are shown as numbered options; a number picks one, except where the answers are numbers
themselves (ECOG), where the value is typed as shown. With standard input piped, it reads to the end of
input and exits 0, so a ward-round check can be scripted: `printf '/quick ...\\n' | liverbot chat`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.assistant import Assistant
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store, StoreError
from flows.engine import Outgoing
from flows.questions import Choice

TERMINAL_USER = TERMINAL_OWNER
"""The terminal is one local clinician: owner and chat id 0 (the Telegram bot sends it nothing)."""


def render(message: Outgoing) -> str:
    """A message with its choices as numbered options (or as the values to type)."""
    if not message.choices:
        return message.text
    numeric = any(c.value.isdigit() for c in message.choices)
    options = [
        f"  [{c.value if numeric else i}] {c.label}"
        for i, c in enumerate(message.choices, start=1)
    ]
    return message.text + "\n" + "\n".join(options)


def translate(text: str, choices: list[Choice]) -> str:
    """A typed option number becomes that choice's value."""
    word = text.strip()
    if choices and word.isdigit() and not any(c.value.isdigit() for c in choices):
        index = int(word) - 1
        if 0 <= index < len(choices):
            return choices[index].value
    return text


def chat(assistant: Assistant, stdin: TextIO, stdout: TextIO, interactive: bool) -> int:
    """The read-answer loop; returns the exit status."""
    choices: list[Choice] = []
    resumed = assistant.resume_prompt(TERMINAL_USER, TERMINAL_USER)
    if resumed is not None:
        print("Resuming where you left off (/cancel to drop it):\n" + render(resumed), file=stdout)
        choices = resumed.choices
    elif interactive:
        print("liverbot: /new for an assessment, /quick for a quick check, /help.", file=stdout)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        reply = assistant.handle(TERMINAL_USER, TERMINAL_USER, translate(line, choices))
        for message in reply.messages:
            print(render(message) + "\n", file=stdout)
        choices = reply.messages[-1].choices if reply.messages else []


def run_chat(db: str | None) -> int:
    """Entry point of `liverbot chat`."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    path = Path(db) if db else settings.db
    try:
        store = Store(path)
    except StoreError as exc:
        print(f"liverbot: {exc}", file=sys.stderr)
        return 2
    try:
        return chat(Assistant(store, settings), sys.stdin, sys.stdout, sys.stdin.isatty())
    except KeyboardInterrupt:
        return 0
    finally:
        store.close()


def run_backup(db: str | None, dest: str) -> int:
    """Entry point of `liverbot backup`: 0 when written, 2 with the reason when not."""
    path = Path(db) if db else Settings().db
    if not path.is_file():
        print(f"liverbot backup: {path} does not exist", file=sys.stderr)
        return 2
    try:
        with Store(path) as store:
            store.backup(dest)
    except StoreError as exc:
        print(f"liverbot backup: {exc}", file=sys.stderr)
        return 2
    print(f"liverbot backup: {path} copied to {dest}")
    return 0

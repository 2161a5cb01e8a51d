"""`liverbot chat`: the terminal channel, on the same assistant and SQLite store as the bot.

Choices are shown as numbered options; a number picks one (a press, as a Telegram button sends),
except where a typed number is an answer itself (ECOG, encephalopathy grades), where the value is
typed as shown. With standard input piped, it reads to the end of
input and exits 0, so a ward-round check can be scripted: `printf '/quick ...\\n' | liverbot chat`.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TextIO

import lang
from bot.actions import Action, Message
from bot.assistant import Assistant
from bot.files import write_private
from bot.settings import Settings
from bot.store import TERMINAL_OWNER, Store, StoreError
from bot.store.lock import only_process
from bot.widths import columns, wide
from flows.parsing import fold, whole_number
from flows.questions import ENGLISH_ID
from flows.render import FOLD_RULE, layout_text
from lang import _, use

TERMINAL_USER = TERMINAL_OWNER
"""The terminal is one local clinician: owner and chat id 0 (the Telegram bot sends it nothing)."""
QUIT_WORDS = frozenset({"/quit", "/exit"})
"""Leave the chat (the dialogue in progress is kept for next time, as on Telegram)."""
WIDEST = 100
"""Lines are wrapped to the terminal's width, but no wider than this, to stay readable; output to
a pipe or a file is not wrapped, so a script reads each line whole."""


def wrap(text: str, width: int | None) -> str:
    """Each line wrapped at word boundaries to `width`; a bullet's continuation is indented under
    its text, and blank lines are kept. None: as is (output to a pipe or file, for scripts).

    A line with Chinese is wrapped by the columns it takes (a Chinese character takes two) and may
    break between any two Chinese characters, as Chinese is written without spaces."""
    if width is None:
        return text
    out = []
    for line in text.split("\n"):
        indent = "  " if line.startswith(("• ", "  [")) else ""
        if not line.strip():
            out.append(line)
        elif any(wide(ch) for ch in line):
            out.append(_wrap_wide(line, width, indent))
        else:
            out.append(textwrap.fill(line, width, subsequent_indent=indent,
                                     break_on_hyphens=False, break_long_words=True))  # fmt: skip
    return "\n".join(out)


NO_LINE_START = frozenset("，。：；、！？）》」』”’,.:;!?)]")
"""Punctuation a line never starts with (it stays with the character before it)."""


def _wrap_wide(line: str, width: int, indent: str) -> str:
    """`line` wrapped to `width` columns: Latin words and numbers kept whole, a break allowed
    before any Chinese character except closing punctuation, spaces at a break dropped."""
    lines: list[str] = []
    current = ""
    for chunk in re.findall(r"\s+|[!-~]+|.", line):
        if chunk.isspace():
            current += " " if current.strip() else chunk
            continue
        fits = columns(current) + columns(chunk) <= width
        if not fits and current.strip() and chunk[0] not in NO_LINE_START:
            lines.append(current.rstrip())
            current = indent
        current += chunk
    lines.append(current.rstrip())
    return "\n".join(lines)


def render(message: Message, width: int | None = WIDEST) -> str:
    """A message wrapped to `width`, with its buttons as numbered options, or, where a typed
    number is itself an answer (ECOG, encephalopathy grades), with the value to type instead.

    A laid-out message (a plan) shows in the order Telegram shows it: first screen, then the
    detail Telegram folds, after a rule.
    """
    body = message.text if message.layout is None else layout_text(message.layout, FOLD_RULE)
    if message.buttons:
        options = [
            f"  [{key}]" + ("" if key == b.label else f" {b.label}")
            for i, b in enumerate(message.buttons, start=1)
            for key in [str(i) if message.numbered else _to_type(b.action.value, b.label)]
        ]
        body += "\n" + "\n".join(options)
    return wrap(body, width)


def _to_type(value: str, label: str) -> str:
    """What to type for an option where typed numbers are answers (ECOG, PVTT, encephalopathy): its
    value (`0`, `vp2`, `none`), except in a language other than English when the value is an
    English word (`none`, `grade_1_2`): the label then, which is read as the answer too (无)."""
    if lang.active() == lang.ENGLISH or not ENGLISH_ID.search(value):
        return value
    return label


OUTPUT = re.compile(r"\s--(?P<option>png|ics)\s+(?P<path>\S+)\s*$")
"""`/patient bed7 --png bed7.png`, `/calendar --ics mine.ics`: where the terminal writes a file."""
OPTION_FOR = {"timeline": "png", "calendar": "ics"}


def split_output(line: str) -> tuple[str, tuple[str, str] | None]:
    """The line without its trailing `--png FILE` / `--ics FILE`, and that option and file."""
    found = OUTPUT.search(line)
    if found is None:
        return line, None
    return line[: found.start()], (found["option"], found["path"])


def deliver_file(
    assistant: Assistant, message: Message, output: tuple[str, str] | None, stdout: TextIO
) -> None:
    """Write the file a message carries where `--png` / `--ics` asked, else say how to get it."""
    assert message.attachment is not None
    option = OPTION_FOR[message.attachment.kind]
    if output is None or output[0] != option:
        hint = _("{caption} (add --{option} FILE to write it)")
        print(hint.format(caption=message.text, option=option) + "\n", file=stdout)
        return
    made = assistant.attachment(TERMINAL_USER, message.attachment)
    if made is None:
        print(_("Nothing to write: that patient is no longer there.") + "\n", file=stdout)
        return
    try:
        write_private(output[1], made.content)
    except OSError as exc:
        failed = _("Could not write {path}: {reason}.")
        print(failed.format(path=output[1], reason=exc.strerror or exc) + "\n", file=stdout)
        return
    written = _("{caption} Written to {path}.")
    print(written.format(caption=message.text, path=output[1]) + "\n", file=stdout)


def translate(typed: str, shown: Message | None) -> str | Action:
    """An option's number becomes that option's press; anything else stays typed text.

    The press is the same typed `Action` a Telegram button sends, so both channels share one
    notion of a choice and a press; text is never read as one.
    """
    number = whole_number(fold(typed))  # a Chinese input method types １ for 1
    if shown is not None and shown.numbered and number is not None:
        index = number - 1
        if 0 <= index < len(shown.buttons):
            return shown.buttons[index].action
    return typed


def chat(
    assistant: Assistant,
    stdin: TextIO,
    stdout: TextIO,
    interactive: bool,
    width: int | None = WIDEST,
    language: str | None = None,
) -> int:
    """The read-answer loop; returns the exit status.

    `language` (`--lang`) is this session's language, over the one chosen with /language before;
    /language during the session switches it (and is remembered). Without it, the terminal's
    clinician speaks their /language choice, else LIVERBOT_LANG.
    """
    spoken = language or assistant.language(TERMINAL_USER)
    with use(spoken):
        shown = assistant.resume_prompt(TERMINAL_USER, TERMINAL_USER)
        if shown is not None:
            print(_("Resuming where you left off (/cancel to drop it):") + "\n"
                  + render(shown, width), file=stdout)  # fmt: skip
        elif interactive:
            print(_("liverbot: /new for an assessment, /quick for a quick check, /help, "
                    "/language, /quit."), file=stdout)  # fmt: skip
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        if line.strip().lower() in QUIT_WORDS:
            return 0
        line, output = split_output(line)
        received = translate(line, shown)
        if isinstance(received, Action):
            reply = assistant.press(TERMINAL_USER, TERMINAL_USER, received, language=language)
        else:
            reply = assistant.handle(TERMINAL_USER, TERMINAL_USER, received, language=language)
        if language is not None:
            language = reply.language  # a /language in the session overrides --lang
        if reply.stale is not None:
            print(wrap(reply.stale, width) + "\n", file=stdout)
        with use(reply.language):
            for message in reply.messages:
                if message.attachment is not None:
                    deliver_file(assistant, message, output, stdout)
                else:
                    print(render(message, width) + "\n", file=stdout)
        if reply.messages:
            shown = reply.messages[-1]


def run_chat(db: str | None, language: str | None = None) -> int:
    """Entry point of `liverbot chat`: 2 with one line when the database cannot be used.

    `language` is `--lang` (already checked by the command line)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    path = Path(db) if db else settings.db
    try:
        with only_process(path), Store(path) as store:
            store.check_writable()
            width = (
                min(shutil.get_terminal_size().columns, WIDEST) if sys.stdout.isatty() else None
            )
            return chat(
                Assistant(store, settings),
                sys.stdin,
                sys.stdout,
                sys.stdin.isatty(),
                width,
                language,
            )
    except StoreError as exc:
        print(f"liverbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


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

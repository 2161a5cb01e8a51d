"""Outgoing messages in Telegram's shape: texts within the size limit, choices as callback buttons.

A button's callback data says what kind of input it is, so a press can be checked before it counts:

* `q:<step>:<value>` answers the dialogue question asked in state `<step>`. A press on an older
  question's button (the dialogue has moved on, or was cancelled) is refused instead of answering
  whatever is being asked now.
* `c:<value>` is a command button (delete confirmation, reminder actions), valid on its own.

Telegram allows 1-64 bytes of callback data; every choice the flows declare fits (a test checks).
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from flows.engine import Outgoing
from flows.render import MESSAGE_LIMIT

log = logging.getLogger(__name__)

CALLBACK_LIMIT = 64
"""Bytes of callback_data Telegram accepts (Bot API, InlineKeyboardButton)."""
ANSWER, COMMAND = "q", "c"
CHOSEN = "→"


class Press(NamedTuple):
    """A decoded button press: the input value, and the dialogue step it answers (if any)."""

    value: str
    step: str | None


def callback_data(value: str, step: str | None) -> str:
    """The callback data of a choice; ValueError when it would not fit Telegram's 64 bytes."""
    data = f"{ANSWER}:{step}:{value}" if step is not None else f"{COMMAND}:{value}"
    if not 1 <= len(data.encode()) <= CALLBACK_LIMIT:
        raise ValueError(f"callback data of {len(data.encode())} bytes (limit {CALLBACK_LIMIT})")
    return data


def decode(data: str | None) -> Press | None:
    """A press from callback data, or None when the data is not ours (forged or from old code)."""
    kind, _, rest = (data or "").partition(":")
    if kind == COMMAND and rest:
        return Press(rest, None)
    if kind == ANSWER:
        step, sep, value = rest.partition(":")
        if sep and step and value:
            return Press(value, step)
    return None


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a long text at line breaks (or hard, for a single huge line) into sendable parts."""
    text = text or "-"
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    parts.append(current or "-")
    return parts


def rows(buttons: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Lay buttons out for a phone: three short ones a row, two middling, long ones alone."""
    longest = max((len(label) for label, _ in buttons), default=0)
    per_row = 3 if longest <= 10 else 2 if longest <= 20 else 1
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def encode(messages: list[Outgoing], step: str | None) -> list[dict[str, Any]]:
    """Messages as stored and sent: `{"text", "buttons": [[[label, data], ...], ...]}`.

    Buttons go on the last part of a split text, so they stay under the question they answer. A
    choice whose data would not fit Telegram's 64 bytes (one built from what the user typed) is left
    off rather than failing the reply: the answer can still be typed.
    """
    out: list[dict[str, Any]] = []
    for message in messages:
        parts = split_text(message.text)
        buttons = []
        for choice in message.choices:
            try:
                buttons.append((choice.label, callback_data(choice.value, step)))
            except ValueError:
                log.warning("a button too long for Telegram was left off")
        for part in parts[:-1]:
            out.append({"text": part, "buttons": []})
        out.append({"text": parts[-1], "buttons": [list(map(list, r)) for r in rows(buttons)]})
    return out


def with_choice(text: str, label: str) -> str:
    """The question's text with the choice made, for the edited message (within the limit)."""
    suffix = f"\n\n{CHOSEN} {label}"
    room = MESSAGE_LIMIT - len(suffix)
    body = text if len(text) <= room else text[: room - 1] + "…"
    return body + suffix

"""Neutral messages in Telegram's shape: texts within the size limit, presses as callback data.

The only place that knows how a press looks on the wire. A button's callback data is its `Action`,
field by field: `<act>:<dialogue>:<step>:<target>:<value>` (empty fields stay empty), e.g.
`a:42:tumour_type::hcc` answers the tumour-type question of dialogue 42, `f:::7:` confirms deleting
patient 7. A press decodes back to the same typed `Action` (never to text), and data that is not
ours (forged, or from an older liverbot) decodes to None.

Telegram allows 1-64 bytes of callback data; every choice the flows declare fits (a test checks).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import NamedTuple

from pydantic import ValidationError

from bot.actions import Act, Action, Message
from flows.render import MESSAGE_LIMIT

log = logging.getLogger(__name__)

CALLBACK_LIMIT = 64
"""Bytes of callback_data Telegram accepts (Bot API, InlineKeyboardButton)."""
CHOSEN = "→"


class Encoded(NamedTuple):
    """One message as sent: its text and rows of (label, callback data)."""

    text: str
    buttons: list[list[tuple[str, str]]]


def _field(value: int | str | None) -> str:
    return "" if value is None else str(value)


def callback_data(action: Action) -> str:
    """The callback data of a press; ValueError when it would not fit Telegram's 64 bytes."""
    data = ":".join(
        (action.act.value, _field(action.dialogue), _field(action.step), _field(action.target),
         action.value)
    )  # fmt: skip
    if not 1 <= len(data.encode()) <= CALLBACK_LIMIT:
        raise ValueError(f"callback data of {len(data.encode())} bytes (limit {CALLBACK_LIMIT})")
    return data


def decode(data: str | None) -> Action | None:
    """The press a button's data stands for, or None when the data is not ours."""
    parts = (data or "").split(":", 4)
    if len(parts) != 5:
        return None
    act, dialogue, step, target, value = parts
    try:
        action = Action(
            act=Act(act),
            value=value,
            dialogue=int(dialogue) if dialogue else None,
            step=step or None,
            target=int(target) if target else None,
        )
        same = callback_data(action) == data  # one spelling only: `a:042:...` is not ours
    except (ValueError, ValidationError):
        return None
    return action if same else None


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


def encode(messages: list[Message]) -> list[Encoded]:
    """Messages as sent: each text within the limit, its buttons under its last part.

    A button whose data would not fit Telegram's 64 bytes (one built from what the user typed) is
    left off rather than failing the reply: the answer can still be typed.
    """
    out: list[Encoded] = []
    for message in messages:
        parts = split_text(message.text)
        buttons = []
        for button in message.buttons:
            try:
                buttons.append((button.label, callback_data(button.action)))
            except ValueError:
                log.warning("a button too long for Telegram was left off")
        out.extend(Encoded(part, []) for part in parts[:-1])
        out.append(Encoded(parts[-1], rows(buttons)))
    return out


def with_choice(text: str, label: str) -> str:
    """The question's text with the choice made, for the edited message (within the limit)."""
    suffix = f"\n\n{CHOSEN} {label}"
    room = MESSAGE_LIMIT - len(suffix)
    body = text if len(text) <= room else text[: room - 1] + "…"
    return body + suffix


def answer_data(datas: Iterable[str], value: str, step: str | None = None) -> str | None:
    """Among a message's callback data, the one answering (`step` with) `value`, if offered."""
    for data in datas:
        action = decode(data)
        if (
            action is not None
            and action.act is Act.ANSWER
            and action.value == value
            and (step is None or action.step == step)
        ):
            return data
    return None

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
from html import escape
from typing import NamedTuple

from pydantic import ValidationError

from bot import widths
from bot.actions import Act, Action, Message
from bot.tg.formatting import HTML, html
from flows.render import MESSAGE_LIMIT

log = logging.getLogger(__name__)

CALLBACK_LIMIT = 64
"""Bytes of callback_data Telegram accepts (Bot API, InlineKeyboardButton)."""
CHOSEN = "→"


class Encoded(NamedTuple):
    """One message as sent: its text, rows of (label, callback data), and its parse mode."""

    text: str
    buttons: list[list[tuple[str, str]]]
    parse_mode: str | None = None


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


ROW_WIDTHS = ((3, 5), (10, 3), (16, 2))
"""(longest label, buttons a row) that fit uncut on a narrow phone (360 points): a row of five
counts or grades (1 2 3 4 5+), three short choices, two middling ones; longer labels alone. A
label's length is in columns, a Chinese character counting two (`bot.widths`)."""


def rows(
    buttons: list[tuple[str, str]], columns: int | None = None
) -> list[list[tuple[str, str]]]:
    """Lay buttons out for a phone: as many a row as fit uncut, or `columns` a row when asked."""
    if columns is None:
        longest = max((widths.columns(label) for label, _ in buttons), default=0)
        columns = next((n for widest, n in ROW_WIDTHS if longest <= widest), 1)
    return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]


def encode(messages: list[Message]) -> list[Encoded]:
    """Messages as sent: each text within the limit, its buttons under its last part.

    A button whose data would not fit Telegram's 64 bytes (one built from what the user typed) is
    left off rather than failing the reply: the answer can still be typed.
    """
    out: list[Encoded] = []
    for message in messages:
        buttons = []
        for button in message.buttons:
            try:
                buttons.append((button.label, callback_data(button.action)))
            except ValueError:
                log.warning("a button too long for Telegram was left off")
        if message.layout is not None:  # laid out within the limit: one message, never split
            out.append(Encoded(html(message.layout), rows(buttons, message.columns), HTML))
            continue
        parts = split_text(message.text)
        out.extend(Encoded(part, []) for part in parts[:-1])
        out.append(Encoded(parts[-1], rows(buttons, message.columns)))
    return out


def with_choice(text: str, label: str, markup: bool = False) -> str:
    """The question's text with the choice made, for the edited message (within the limit).

    `markup`: the text is Telegram HTML (a laid-out message, as `Message.text_html` gives it back)
    and is kept whole, since cutting it could cut a tag; the label is escaped into it.
    """
    if markup:
        return f"{text}\n\n{CHOSEN} {escape(label, quote=False)}"
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

"""Limits that the Bot API states only in prose, so the spec's field list cannot check them.

Each check returns `Problem`s: `reason` is what a test asserts on (stable wording of ours),
`description` is what the fake answers, worded like Telegram's own 400 errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .formatting import FormattingError, parse_formatted

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_BYTES = 64
CALLBACK_ANSWER_LIMIT = 200
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_DESCRIPTION_LIMIT = 256
MAX_COMMANDS = 100
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# InlineKeyboardButton fields that decorate a button rather than say what it does.
_BUTTON_DECORATIONS = frozenset({"text", "icon_custom_emoji_id", "style"})
_TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})


@dataclass(frozen=True)
class Problem:
    """One broken rule: a stable reason for tests and a Telegram-like answer."""

    reason: str
    description: str


Params = Mapping[str, Any]


def spec_problem(reason: str) -> Problem:
    """Give a spec-level reason (from spec.py) the answer Telegram would give."""
    match = re.match(r'missing required parameter "(\w+)"', reason)
    if match:
        name = match.group(1)
        return Problem(
            reason,
            "Bad Request: message text is empty"
            if name == "text"
            else f"Bad Request: {name} is empty",
        )
    if reason.startswith("unknown parameter"):
        return Problem(reason, f"Bad Request: {reason}")
    if "cannot parse JSON" in reason:
        return Problem(reason, "Bad Request: can't parse JSON object")
    return Problem(reason, f"Bad Request: wrong parameter type: {reason}")


def check_request(method: str, params: Params) -> list[Problem]:
    """All prose-level rules for one already type-checked request."""
    problems: list[Problem] = []
    for check in _CHECKS:
        problems.extend(check(method, params))
    return problems


def _text(method: str, params: Params) -> Iterator[Problem]:
    if method not in _TEXT_METHODS:
        return
    text = params.get("text")
    if method == "editMessageText" and text is None and params.get("rich_message") is not None:
        return
    if not isinstance(text, str):
        if method == "editMessageText":
            yield Problem(
                'missing required parameter "text"', "Bad Request: message text is empty"
            )
        return
    yield from _formatted(text, params.get("parse_mode"), params.get("entities"), "text")


def _caption(method: str, params: Params) -> Iterator[Problem]:
    caption = params.get("caption")
    if isinstance(caption, str):
        yield from _formatted(
            caption, params.get("parse_mode"), params.get("caption_entities"), "caption"
        )
    media = params.get("media")
    items = media if isinstance(media, list) else [media]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("caption"), str):
            yield from _formatted(
                item["caption"], item.get("parse_mode"), item.get("caption_entities"), "caption"
            )


def _formatted(text: str, parse_mode: object, entities: object, name: str) -> Iterator[Problem]:
    try:
        formatted = parse_formatted(
            text,
            parse_mode if isinstance(parse_mode, str) else None,
            entities if isinstance(entities, list) else None,
        )
    except FormattingError as exc:
        yield Problem(
            f"{name}: can't parse entities ({parse_mode}): {exc}",
            f"Bad Request: can't parse entities: {exc}",
        )
        return
    size = len(formatted.text)
    if name == "text" and not 1 <= size <= TEXT_LIMIT:
        yield Problem(
            f"text must be 1-{TEXT_LIMIT} characters after entity parsing, got {size}",
            "Bad Request: message text is empty"
            if size == 0
            else "Bad Request: message is too long",
        )
    if name == "caption" and size > CAPTION_LIMIT:
        yield Problem(
            f"caption must be 0-{CAPTION_LIMIT} characters after entity parsing, got {size}",
            "Bad Request: message caption is too long",
        )


def _inline_keyboard(method: str, params: Params) -> Iterator[Problem]:
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        return
    for r, row in enumerate(markup["inline_keyboard"]):
        if not isinstance(row, list):
            continue
        for c, button in enumerate(row):
            if isinstance(button, dict):
                yield from _button(button, f"reply_markup.inline_keyboard[{r}][{c}]")


def _button(button: Mapping[str, Any], path: str) -> Iterator[Problem]:
    text = button.get("text")
    if isinstance(text, str) and not text.strip():
        yield Problem(f"{path}.text must not be empty", "Bad Request: text buttons are unallowed")
    actions = sorted(set(button) - _BUTTON_DECORATIONS)
    if len(actions) != 1:
        yield Problem(
            f"{path} must have exactly one action field, has {actions}",
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        )
    data = button.get("callback_data")
    if isinstance(data, str):
        size = len(data.encode("utf-8"))
        if not 1 <= size <= CALLBACK_DATA_BYTES:
            yield Problem(
                f"{path}.callback_data must be 1-{CALLBACK_DATA_BYTES} bytes, got {size}",
                "Bad Request: BUTTON_DATA_INVALID",
            )


def _commands(method: str, params: Params) -> Iterator[Problem]:
    commands = params.get("commands")
    if method != "setMyCommands" or not isinstance(commands, list):
        return
    if len(commands) > MAX_COMMANDS:
        yield Problem(
            f"at most {MAX_COMMANDS} commands, got {len(commands)}",
            "Bad Request: too many commands",
        )
    for i, command in enumerate(commands):
        if not isinstance(command, dict):
            continue
        name = command.get("command")
        if isinstance(name, str) and not COMMAND_RE.fullmatch(name):
            yield Problem(
                f"commands[{i}].command {name!r} must be 1-32 characters of a-z, 0-9 and _",
                "Bad Request: BOT_COMMAND_INVALID",
            )
        description = command.get("description")
        if isinstance(description, str) and not (
            description.strip() and len(description) <= COMMAND_DESCRIPTION_LIMIT
        ):
            yield Problem(
                f"commands[{i}].description must be 1-{COMMAND_DESCRIPTION_LIMIT} characters, "
                f"got {len(description)}",
                "Bad Request: command description is invalid",
            )


def _callback_answer(method: str, params: Params) -> Iterator[Problem]:
    text = params.get("text")
    if (
        method == "answerCallbackQuery"
        and isinstance(text, str)
        and (len(text) > CALLBACK_ANSWER_LIMIT)
    ):
        yield Problem(
            f"answerCallbackQuery text must be 0-{CALLBACK_ANSWER_LIMIT} characters, "
            f"got {len(text)}",
            "Bad Request: MESSAGE_TOO_LONG",
        )


def _chat_action(method: str, params: Params) -> Iterator[Problem]:
    action = params.get("action")
    if method == "sendChatAction" and isinstance(action, str) and action not in CHAT_ACTIONS:
        yield Problem(
            f"unknown chat action {action!r}",
            "Bad Request: wrong parameter action in request",
        )


def _message_target(method: str, params: Params) -> Iterator[Problem]:
    if not method.startswith("editMessage") and method != "stopMessageLiveLocation":
        return
    if params.get("inline_message_id") is not None:
        return
    for name in ("chat_id", "message_id"):
        if params.get(name) is None:
            yield Problem(
                f'{method} needs "chat_id" and "message_id" or "inline_message_id"; '
                f'"{name}" is missing',
                "Bad Request: message identifier is not specified"
                if name == "message_id"
                else "Bad Request: chat_id is empty",
            )


_CHECKS: tuple[Callable[[str, Params], Iterator[Problem]], ...] = (
    _text,
    _caption,
    _inline_keyboard,
    _commands,
    _callback_answer,
    _chat_action,
    _message_target,
)

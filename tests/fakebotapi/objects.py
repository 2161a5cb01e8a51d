"""Builders of the Telegram objects the fake answers and pushes, with every required field.

Kept separate from the server so each shape is written once and can be checked against the
spec in isolation (tests/test_fakebotapi.py does).
"""

from __future__ import annotations

import re
from typing import Any

from .formatting import utf16_len

JSON = dict[str, Any]

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def bot_id_from_token(token: str) -> int:
    """Telegram tokens start with the bot's user id; keeping that makes getMe consistent."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 1


def bot_user(bot_id: int, first_name: str, username: str) -> JSON:
    """The bot as the sender of its messages."""
    return {"id": bot_id, "is_bot": True, "first_name": first_name, "username": username}


def bot_self(bot: JSON) -> JSON:
    """getMe's answer: the fields Telegram returns only there come on top."""
    return {
        **bot,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def human_user(
    user_id: int, first_name: str, username: str | None = None, language_code: str | None = "en"
) -> JSON:
    """A simulated person talking to the bot."""
    user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def private_chat(user: JSON) -> JSON:
    """A private chat has the user's id and names."""
    chat: JSON = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    if "username" in user:
        chat["username"] = user["username"]
    return chat


def command_entities(text: str) -> list[JSON]:
    """bot_command entities, as Telegram marks every /command that starts a word."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND_RE.finditer(text)
    ]


def message(
    *,
    message_id: int,
    chat: JSON,
    sender: JSON,
    date: int,
    text: str | None = None,
    entities: list[JSON] | None = None,
    reply_markup: JSON | None = None,
    edit_date: int | None = None,
    extra: JSON | None = None,
) -> JSON:
    """A Message with the required message_id, date (Unix seconds) and chat."""
    msg: JSON = {"message_id": message_id, "from": sender, "chat": chat, "date": date}
    if edit_date is not None:
        msg["edit_date"] = edit_date
    if text is not None:
        msg["text"] = text
    if entities:
        msg["entities"] = entities
    if extra:
        msg.update(extra)
    if reply_markup is not None:
        msg["reply_markup"] = reply_markup
    return msg


def callback_query(
    *, query_id: str, user: JSON, message: JSON, chat_instance: str, data: str
) -> JSON:
    """A button press; chat_instance is required by the spec even for private chats."""
    return {
        "id": query_id,
        "from": user,
        "message": message,
        "chat_instance": chat_instance,
        "data": data,
    }


def update(update_id: int, kind: str, payload: JSON) -> JSON:
    """An Update carries exactly one payload field besides update_id."""
    return {"update_id": update_id, kind: payload}


def webhook_info(
    *,
    url: str,
    pending_update_count: int,
    max_connections: int | None = None,
    allowed_updates: list[str] | None = None,
    last_error_date: int | None = None,
    last_error_message: str | None = None,
) -> JSON:
    """getWebhookInfo's answer; url is '' when polling."""
    info: JSON = {
        "url": url,
        "has_custom_certificate": False,
        "pending_update_count": pending_update_count,
    }
    if url:
        info["max_connections"] = max_connections or 40
        info["ip_address"] = "127.0.0.1"
    if allowed_updates:
        info["allowed_updates"] = allowed_updates
    if last_error_date is not None:
        info["last_error_date"] = last_error_date
        info["last_error_message"] = last_error_message or ""
    return info


def bot_command(command: str, description: str) -> JSON:
    """A BotCommand as getMyCommands returns it."""
    return {"command": command, "description": description}


def error_body(status: int, description: str, parameters: JSON | None = None) -> JSON:
    """Telegram's error envelope; PTB reads `parameters` for retry_after and migrations."""
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body

"""Sending encoded messages (see `bot.buttons`) through PTB, and turning buttons into markup."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message


def markup(buttons: list[list[list[str]]]) -> InlineKeyboardMarkup | None:
    """Rows of [label, callback data] as an inline keyboard; None when there are none."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


async def send_all(bot: Bot, chat_id: int, messages: list[dict[str, Any]]) -> list[Message]:
    """Send messages in order; retries and the flood limit are the rate limiter's job."""
    return [
        await bot.send_message(chat_id, m["text"], reply_markup=markup(m["buttons"]))
        for m in messages
    ]

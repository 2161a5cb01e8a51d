"""Sending neutral messages through PTB: encoded by `bot.tg.callbacks`, buttons as inline markup."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit
from telegram.error import BadRequest, TelegramError

from bot.actions import Attachment
from bot.actions import Message as Outgoing
from bot.files import File
from bot.tg.callbacks import encode

Files = Callable[[Attachment], File | None]
"""Makes the file a message names (`Assistant.attachment` for one clinician); blocking."""

log = logging.getLogger(__name__)


def markup(buttons: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """Rows of (label, callback data) as an inline keyboard; None when there are none."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


async def send_all(
    bot: Bot, chat_id: int, messages: list[Outgoing], files: Files | None = None
) -> list[Message]:
    """Send messages in order (long ones in parts); the sent message that carries each one's
    buttons (its last part), in the order given. Retries and the flood limit are the rate
    limiter's job.

    A message with an attachment is sent as its file (a photo or a document, its text the
    caption), made by `files` in a worker thread so that drawing a picture never holds up the
    event loop; when there is no file to make (its patient was deleted since), the text goes
    alone.
    """
    last_parts = []
    for message in messages:
        sent = None
        made = None
        if message.attachment is not None and files is not None:
            made = await asyncio.to_thread(files, message.attachment)
        if made is not None:
            sent = await send_file(bot, chat_id, made, message.text)
            last_parts.append(sent)
            continue
        for part in encode([message]):
            sent = await bot.send_message(
                chat_id, part.text, parse_mode=part.parse_mode, reply_markup=markup(part.buttons)
            )
        assert sent is not None  # encode gives at least one part per message
        last_parts.append(sent)
    return last_parts


async def send_file(bot: Bot, chat_id: int, made: File, caption: str) -> Message:
    """One made file: a picture as a photo (shown in the chat), anything else as a document."""
    if len(caption) > MessageLimit.CAPTION_LENGTH:
        await bot.send_message(chat_id, caption)
        caption = ""
    upload = InputFile(made.content, filename=made.name)
    if made.media == "photo":
        return await bot.send_photo(chat_id, upload, caption=caption or None)
    return await bot.send_document(chat_id, upload, caption=caption or None)


async def best_effort(what: str, edit: Awaitable[object]) -> None:
    """Await an edit that must never stop the reply: a failure is logged and dropped.

    An edit only tidies the chat (shows the choice, removes old buttons); the answer was applied
    and the next question sent before it, so failing here must not tell the clinician to send
    the answer again (issue 10: that re-sent answer would answer the next question).
    """
    try:
        await edit
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.info("%s not done: %s", what, type(exc).__name__)
    except TelegramError as exc:
        log.info("%s not done: %s", what, type(exc).__name__)

"""Telegram handlers: thin adapters from updates to `Conversation.process` and back.

The gate runs first (group -1) and stops everything that is not a private chat with an allowed
clinician; a stranger gets one short refusal and nothing about them is stored.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.buttons import Press, decode, with_choice
from bot.conversation import Outcome
from bot.logs import redacted
from bot.sending import send_all
from bot.services import Services

log = logging.getLogger(__name__)

REFUSAL = (
    "Sorry, liverbot is only for the clinicians it was set up for. Your Telegram user id is {id}: "
    "ask the team that runs it to add it."
)
NOT_TEXT = "I read text and buttons only. /help lists the commands."
EDITED = "Edited messages are not read: send the corrected answer as a new message (or /back)."
STALE = "That question was already answered."
EXPIRED = "This button has expired."
SORRY = (
    "Sorry, something went wrong on our side. Your answers so far are kept: send the last one "
    "again, or /cancel."
)

Context = ContextTypes.DEFAULT_TYPE


def services(context: Context) -> Services:
    """The application's services (set by `build_application`)."""
    return context.bot_data["services"]  # type: ignore[no-any-return]


async def gate(update: Update, context: Context) -> None:
    """Let allowed clinicians in private chats through; refuse everyone else, storing nothing."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != chat.PRIVATE or user is None:
        raise ApplicationHandlerStop
    if user.id in services(context).settings.allowed_users:
        return
    log.info("refused user %d", user.id)
    text = REFUSAL.format(id=user.id)
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200])
    elif update.message is not None:
        await update.message.reply_text(text)
    raise ApplicationHandlerStop


async def on_text(update: Update, context: Context) -> None:
    """A typed answer or command: apply it and send what comes next."""
    message, user = update.message, update.effective_user
    assert message is not None
    assert message.text is not None
    assert user is not None
    outcome = await asyncio.to_thread(
        services(context).conversation.process,
        user.id, message.chat_id, update.update_id, message.text,
    )  # fmt: skip
    await deliver(context, message.chat_id, outcome)


async def on_button(update: Update, context: Context) -> None:
    """A button press: check it still applies, show the choice on its message, then go on."""
    query, user = update.callback_query, update.effective_user
    chat = update.effective_chat
    assert query is not None
    assert user is not None
    assert chat is not None
    press = decode(query.data)
    if press is None:
        await query.answer(EXPIRED)
        return
    outcome = await asyncio.to_thread(
        services(context).conversation.process,
        user.id, chat.id, update.update_id, press.value, press.step,
    )  # fmt: skip
    if outcome.stale:
        await query.answer(STALE)
        await _edit(query.message, None)
        return
    await query.answer()
    await _edit(query.message, _label(query.message, query.data))
    await deliver(context, chat.id, outcome)


async def on_edited(update: Update, context: Context) -> None:
    """An edited message: not applied (it would re-answer an old question); say so."""
    assert update.edited_message is not None
    await update.edited_message.reply_text(EDITED)


async def on_other(update: Update, context: Context) -> None:
    """A photo, sticker, voice note...: say what is read."""
    assert update.message is not None
    await update.message.reply_text(NOT_TEXT)


async def deliver(context: Context, chat_id: int, outcome: Outcome) -> None:
    """Schedule the reminders the input added or moved, then send the reply."""
    if outcome.to_schedule:
        assert context.job_queue is not None
        services(context).reminders.schedule(context.job_queue, outcome.to_schedule)
    await send_all(context.bot, chat_id, outcome.messages)


async def on_error(update: object, context: Context) -> None:
    """Log the failure (ids and error classes only) and tell the clinician briefly."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error("update %s failed:\n%s", update_id, redacted(error) if error else "?")
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    if user is None or user.id not in services(context).settings.allowed_users:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, SORRY)
    except TelegramError as exc:
        log.warning("could not tell chat about the failure: %s", type(exc).__name__)


def _label(message: Any, data: str | None) -> str:
    """The text of the pressed button, read from the message's own keyboard."""
    markup = getattr(message, "reply_markup", None)
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    press: Press | None = decode(data)
    return press.value if press else "?"


async def _edit(message: Any, label: str | None) -> None:
    """Show the choice on the question's message (if any) and remove its buttons."""
    if not isinstance(message, Message) or message.text is None:
        return  # older than 48 hours or not ours: Telegram no longer lets us edit it
    try:
        if label is None:
            await message.edit_reply_markup(reply_markup=None)
        else:
            await message.edit_text(with_choice(message.text, label), reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise

"""Telegram handlers: thin adapters from updates to `Conversation.process` and back.

The gate runs first (group -1) and stops everything that is not a private chat with an allowed
clinician; a stranger gets one short refusal an hour (`bot.tg.refusals`), sent once and never
retried (`bot.tg.ratelimit.ONCE`), and nothing about them is stored. A button pressed anywhere but
the clinician's private chat (a forwarded keyboard in a group, an inline message) is answered
with a short refusal, so its spinner stops.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import cast

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, ExtBot

from bot.conversation import Outcome
from bot.language import language_of_code
from bot.tg.callbacks import decode, with_choice
from bot.tg.formatting import HTML
from bot.tg.logs import redacted
from bot.tg.ratelimit import ONCE
from bot.tg.sending import best_effort, send_all
from bot.tg.services import Services
from lang import ENGLISH, N_, _, use

log = logging.getLogger(__name__)

REFUSAL = N_(
    "Sorry, liverbot is only for the clinicians it was set up for. Your Telegram user id is {id}: "
    "ask the team that runs it to add it."
)
NOT_TEXT = N_("I read text and buttons only. /help lists the commands.")
EDITED = N_("Edited messages are not read: send the corrected answer as a new message (or /back).")
EXPIRED = N_("This button has expired.")
FORWARDED = N_(
    "Forwarded messages are not read as answers: type the answer yourself (or tap a button)."
)
PRIVATE_ONLY = N_("liverbot answers in its private chat only.")
SORRY = N_("Sorry, something went wrong on our side. Your answers so far are kept.")

Context = ContextTypes.DEFAULT_TYPE


def services(context: Context) -> Services:
    """The application's services (set by `build_application`)."""
    return context.bot_data["services"]  # type: ignore[no-any-return]


def language_code(update: Update) -> str | None:
    """The language the sender's Telegram app is set to (`zh-hans`), as a plain string: the only
    thing about the language that leaves the adapter."""
    user = update.effective_user
    return user.language_code if user is not None else None


async def clinicians_language(update: Update, context: Context) -> str:
    """The language to answer an allowed clinician in, outside a turn of the assistant (an edited
    or forwarded message, a sticker, an expired button, an error)."""
    user = update.effective_user
    if user is None:
        return ENGLISH
    return await asyncio.to_thread(
        services(context).assistant.language, user.id, language_code(update)
    )


def admitted(update: object, allowed: frozenset[int]) -> bool:
    """Whether an update is an allowed clinician's, in their private chat with the bot."""
    if not isinstance(update, Update):
        return False
    chat, user = update.effective_chat, update.effective_user
    return (
        chat is not None and chat.type == chat.PRIVATE and user is not None and user.id in allowed
    )


async def gate(update: Update, context: Context) -> None:
    """Let allowed clinicians in private chats through; refuse everyone else, storing nothing."""
    found = services(context)
    if admitted(update, found.settings.allowed_users):
        return
    chat, user, query = update.effective_chat, update.effective_user, update.callback_query
    bot = cast("ExtBot[int]", context.bot)  # its rate limiter takes `ONCE`
    # Nothing is stored about a stranger: their app's language alone decides.
    spoken = language_of_code(language_code(update), found.settings)
    try:
        if query is not None and (chat is None or chat.type != chat.PRIVATE):
            with use(spoken):
                words = _(PRIVATE_ONLY)
            await bot.answer_callback_query(query.id, words, rate_limit_args=ONCE)
        elif user is None or chat is None or chat.type != chat.PRIVATE:
            pass  # groups and channels: silence
        elif not found.refusals.due(user.id):
            if query is not None:
                # stop the spinner, say nothing again
                await bot.answer_callback_query(query.id, rate_limit_args=ONCE)
        else:
            log.info("refused user %d", user.id)
            with use(spoken):
                text = _(REFUSAL).format(id=user.id)
            if query is not None:
                await bot.answer_callback_query(query.id, text[:200], rate_limit_args=ONCE)
            elif update.effective_message is not None:
                await bot.send_message(chat.id, text, rate_limit_args=ONCE)
    except TelegramError as exc:
        log.info("refusal not delivered: %s", type(exc).__name__)
    raise ApplicationHandlerStop


def strip_mention(text: str, username: str | None) -> str:
    """`/new@liverbot_bot ...` as `/new ...`: the one place a command's bot mention is removed.

    Telegram adds the mention when a command is picked from the menu in some clients; the core
    never sees it. Only our own bot's name is removed, so `/new@otherbot` stays unknown.
    """
    head, sep, rest = text.partition(" ")
    command, at, name = head.partition("@")
    if at and command.startswith("/") and username and name.lower() == username.lower():
        return command + sep + rest
    return text


async def on_text(update: Update, context: Context) -> None:
    """A typed answer or command: apply it and send what comes next."""
    message, user = update.message, update.effective_user
    assert message is not None
    assert message.text is not None
    assert user is not None
    typed = strip_mention(message.text, context.bot.username)
    outcome = await asyncio.to_thread(
        services(context).conversation.process,
        user.id, message.chat_id, update.update_id, typed, language_code(update),
    )  # fmt: skip
    with use(outcome.language):
        await deliver(context, user.id, message.chat_id, outcome)


async def on_button(update: Update, context: Context) -> None:
    """A button press: apply it if it still belongs to the current question, then go on.

    The reply goes out first; showing the choice on the pressed message is best effort after it.
    """
    query, user = update.callback_query, update.effective_user
    chat = update.effective_chat
    assert query is not None
    assert user is not None
    assert chat is not None
    action = decode(query.data)
    if action is None:
        with use(await clinicians_language(update, context)):
            await query.answer(_(EXPIRED))
        await best_effort("stale keyboard removal", _edit(query.message, None))
        return
    outcome = await asyncio.to_thread(
        services(context).conversation.process,
        user.id, chat.id, update.update_id, action, language_code(update),
    )  # fmt: skip
    pressed = query.message.message_id if isinstance(query.message, Message) else None
    if outcome.stale is not None:
        await query.answer(outcome.stale[:200])
        schedule(context, outcome.to_schedule)  # resumed: the clinician wrote, if only a press
        if pressed is not None:
            await asyncio.to_thread(
                services(context).store.drop_keyboard, user.id, chat.id, pressed
            )
        await best_effort("stale keyboard removal", _edit(query.message, None))
        return
    await query.answer()
    with use(outcome.language):
        await deliver(context, user.id, chat.id, outcome, pressed)
    await best_effort("choice shown", _edit(query.message, _label(query.message, query.data)))


async def on_forwarded(update: Update, context: Context) -> None:
    """A forwarded message: someone else's words, or an old message of this chat; never an answer
    (it would answer the current question with text the clinician did not type for it)."""
    assert update.message is not None
    with use(await clinicians_language(update, context)):
        await update.message.reply_text(_(FORWARDED))


async def on_edited(update: Update, context: Context) -> None:
    """An edited message: not applied (it would re-answer an old question); say so."""
    assert update.edited_message is not None
    with use(await clinicians_language(update, context)):
        await update.edited_message.reply_text(_(EDITED))


async def on_other(update: Update, context: Context) -> None:
    """A photo, sticker, voice note...: say what is read."""
    assert update.message is not None
    with use(await clinicians_language(update, context)):
        await update.message.reply_text(_(NOT_TEXT))


def schedule(context: Context, reminder_ids: list[int]) -> None:
    """Put the reminders an input added, moved, cancelled or resumed in line with the store."""
    if reminder_ids:
        assert context.job_queue is not None
        services(context).reminders.schedule(context.job_queue, reminder_ids)


async def deliver(
    context: Context, owner_id: int, chat_id: int, outcome: Outcome, pressed: int | None = None
) -> None:
    """Schedule what the input changed, send the reply, then tidy the keyboards.

    The buttons of the reply's dialogue step are remembered; every other dialogue keyboard of the
    chat (an earlier step, a replaced or finished dialogue) is removed, best effort, so no old
    button stays on screen to be pressed. `pressed` is the message whose button was pressed: its
    caller shows the choice on it.
    """
    found = services(context)
    schedule(context, outcome.to_schedule)
    sent = await send_all(
        context.bot, chat_id, outcome.messages, partial(found.assistant.attachment, owner_id)
    )
    if outcome.repeat:
        return
    shown = [
        tg.message_id
        for tg, message in zip(sent, outcome.messages, strict=True)
        if tg.reply_markup is not None
        and any(b.action.dialogue is not None for b in message.buttons)
    ]
    stale = await asyncio.to_thread(
        found.store.sync_keyboards,
        owner_id, chat_id, outcome.dialogue, outcome.step, shown, pressed,
    )  # fmt: skip
    for message_id in stale:
        await best_effort(
            "stale keyboard removal",
            context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None),
        )


async def on_error(update: object, context: Context) -> None:
    """Log the failure (ids and error classes only), tell the clinician briefly, and show the
    question the dialogue waits on.

    Whether the failed input was applied is not known here (it may have failed after its answer
    was saved), so the clinician is never told to send it again, which could answer the next
    question with it: the current question is shown instead.
    """
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error("update %s failed:\n%s", update_id, redacted(error) if error else "?")
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    if user is None or user.id not in services(context).settings.allowed_users:
        return
    chat_id = update.effective_chat.id
    try:
        with use(await clinicians_language(update, context)):
            await context.bot.send_message(chat_id, _(SORRY))
            where = await asyncio.to_thread(services(context).assistant.current, user.id, chat_id)
            outcome = Outcome(where.messages, dialogue=where.dialogue, step=where.step)
            await deliver(context, user.id, chat_id, outcome)
    except TelegramError as exc:
        log.warning("could not tell chat about the failure: %s", type(exc).__name__)


def _label(message: object, data: str | None) -> str:
    """The text of the pressed button, read from the message's own keyboard."""
    markup = getattr(message, "reply_markup", None)
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    action = decode(data)
    return action.value if action and action.value else "?"


async def _edit(message: object, label: str | None) -> None:
    """Show the choice on the question's message (if any) and remove its buttons."""
    if not isinstance(message, Message) or message.text is None:
        return  # older than 48 hours or not ours: Telegram no longer lets us edit it
    if label is None:
        await message.edit_reply_markup(reply_markup=None)
    elif message.entities:  # a laid-out message (a plan): keep its formatting and fold
        text = with_choice(message.text_html, label, markup=True)
        await message.edit_text(text, parse_mode=HTML, reply_markup=None)
    else:
        await message.edit_text(with_choice(message.text, label), reply_markup=None)

"""The composition root of the Telegram bot: one function builds the whole application.

Nothing is read from the environment or disk here; `serve` passes the settings and the open
store in, and tests pass their own (and a fake Bot API's URL). Start-up side effects (the command
menu, re-scheduling reminders from SQLite) live in `post_init`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.assistant import Assistant
from bot.commands import SHORT_DESCRIPTION, description, menu
from bot.conversation import Conversation
from bot.settings import Settings
from bot.store import Store
from bot.tg import handlers
from bot.tg.ratelimit import RetryingRateLimiter
from bot.tg.reminders import ReminderScheduler
from bot.tg.services import Services
from bot.tg.turns import ChatOrder
from lang import ENGLISH, LANGUAGES, _, use

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
"""Only what the handlers read; Telegram then does not send the rest at all."""
TIMEOUTS = {
    "connect_timeout": 5.0,
    "read_timeout": 10.0,
    "write_timeout": 10.0,
    "pool_timeout": 10.0,
}

App = Application[Any, Any, Any, Any, Any, Any]
log = logging.getLogger(__name__)


def commands_in(language: str) -> list[BotCommand]:
    """The command menu in `language`, from the one command registry (`bot.commands`)."""
    with use(language):
        return [BotCommand(name, summary) for name, summary in menu()]


def profile_calls(app: App) -> Iterator[tuple[str, Coroutine[Any, Any, bool]]]:
    """The menu and the descriptions, once per language: English as the default (no
    `language_code`: every app set to a language without its own), then each other language for
    the apps set to it (Telegram matches the two-letter code: `zh` covers `zh-hans`). Each call is
    made when it is reached, so a failure leaves no call un-awaited behind it."""
    for language in LANGUAGES:
        code = None if language == ENGLISH else language
        with use(language):
            words, short = description(), _(SHORT_DESCRIPTION)
        yield (
            f"command menu ({language})",
            app.bot.set_my_commands(commands_in(language), language_code=code),
        )
        yield f"description ({language})", app.bot.set_my_description(words, language_code=code)
        yield (
            f"short description ({language})",
            app.bot.set_my_short_description(short, language_code=code),
        )


def file_url(api_url: str) -> str:
    """The file download URL that goes with a Bot API URL (`.../bot` -> `.../file/bot`)."""
    root, _, tail = api_url.rstrip("/").rpartition("/")
    return f"{root}/file/{tail}"


def build_application(
    settings: Settings,
    store: Store,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> App:
    """The bot, wired: handlers, rate limiter with retries, reminders, error handler."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    assistant = Assistant(store, settings, clock=clock)
    services = Services(
        settings=settings,
        store=store,
        assistant=assistant,
        conversation=Conversation(store, assistant, clock),
        reminders=ReminderScheduler(
            store, assistant, settings.reminder_rate, clock, allowed=settings.allowed_users
        ),
    )
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url(settings.telegram_api_url))
        .rate_limiter(RetryingRateLimiter(settings.send_rate))
        .post_init(post_init)
        .concurrent_updates(ChatOrder(services.turns))
    )
    if request is not None:
        builder = builder.request(request)
    else:
        for name, seconds in TIMEOUTS.items():
            builder = getattr(builder, name)(seconds)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["services"] = services
    app.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.FORWARDED, handlers.on_forwarded)
    )
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, handlers.on_text))
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, handlers.on_edited))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, handlers.on_other))
    app.add_error_handler(handlers.on_error)
    return app


async def post_init(app: App) -> None:
    """At start-up: the command menu and the bot's descriptions in every language, and every
    pending reminder back on the job queue.

    The description is what an empty chat shows before /start, the short one the bot's profile.
    A menu or description that cannot be set (the Bot API still failing after the retries) is not
    worth refusing to start over: the commands work without them, and the reminders must be
    scheduled.
    """
    for what, call in profile_calls(app):
        try:
            await call
        except TelegramError as exc:
            log.warning("%s not set: %s", what, type(exc).__name__)
    services: Services = app.bot_data["services"]
    assert app.job_queue is not None
    services.reminders.restore(app.job_queue)

"""`liverbot serve`: the Telegram bot, polling by default or behind HTTPS with `--webhook URL`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sys
from urllib.parse import urlsplit

from pydantic import ValidationError
from telegram.error import InvalidToken, TelegramError

from bot.settings import Settings
from bot.store import Store, StoreError
from bot.store.lock import only_process
from bot.tg import logs, polling
from bot.tg.webhook import Hook, run_webhook

EXIT_CONFIG = 2
log = logging.getLogger(__name__)


def run_serve(webhook: str | None) -> int:
    """Entry point of `liverbot serve`: check the configuration, open the store, run the bot."""
    try:
        settings = Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        print(f"liverbot serve: {error['loc'][0]}: {error['msg']}", file=sys.stderr)
        return EXIT_CONFIG
    if not settings.telegram_bot_token:
        print(
            "liverbot serve: set TELEGRAM_BOT_TOKEN (from @BotFather) and LIVERBOT_ALLOWED_USERS "
            "(comma-separated Telegram user ids); without a token, `liverbot chat` runs the "
            "terminal chat.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    if webhook is not None and (
        urlsplit(webhook).scheme != "https" or not urlsplit(webhook).hostname
    ):
        print(
            f"liverbot serve: --webhook needs an https:// URL (Telegram sends updates over "
            f"HTTPS only), not {webhook!r}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    # PTB 22 reports durations as timedelta only when asked to; the old int form is deprecated.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logs.configure(secrets=(settings.telegram_bot_token,))
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(only_process(settings.db))  # before the store touches the file
            store = held.enter_context(Store(settings.db))
            store.check_writable()
        except StoreError as exc:
            print(f"liverbot serve: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        return _serve(settings, store, webhook)


def _serve(settings: Settings, store: Store, webhook: str | None) -> int:
    """Run the bot on the open store until it is told to stop; the exit status."""
    from bot.tg.app import ALLOWED_UPDATES, build_application

    if not settings.allowed_users:
        log.warning("LIVERBOT_ALLOWED_USERS is empty: everyone will be refused")
    app = build_application(settings, store)
    try:
        if webhook is None:
            log.info("polling for updates")
            asyncio.run(polling.run(app, ALLOWED_UPDATES))
        else:
            log.info("webhook mode on port %d", settings.webhook_port)
            hook = Hook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url=webhook,
                url_path=urlsplit(webhook).path.lstrip("/"),
                secret=settings.webhook_secret or secrets.token_urlsafe(32),
            )
            asyncio.run(run_webhook(app, ALLOWED_UPDATES, hook))
    except InvalidToken:
        print(
            f"liverbot serve: the Bot API at {settings.telegram_api_url} rejected "
            "TELEGRAM_BOT_TOKEN (check the token from @BotFather, and TELEGRAM_API_URL)",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except TelegramError as exc:  # a refusal at start-up (setWebhook, getMe): final
        log.error("the Bot API refused to start the bot: %s", _described(exc))
        return EXIT_CONFIG
    except Exception as exc:  # a bug: its class chain and frames, no message, no token
        log.critical("liverbot serve stopped by an error:\n%s", logs.redacted(exc))
        return 1
    finally:
        store.close()
    return 0


def _described(exc: TelegramError) -> str:
    """The error's class and Telegram's description, which names no user content."""
    return f"{type(exc).__name__}: {exc.message}"

"""`liverbot serve`: the Telegram bot, polling by default or behind HTTPS with `--webhook URL`."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
from urllib.parse import urlsplit

from pydantic import ValidationError

from bot.settings import Settings
from bot.store import Store, StoreError
from bot.tg import logs, polling

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
    if webhook is not None and urlsplit(webhook).scheme not in ("https", "http"):
        print(f"liverbot serve: --webhook needs an https:// URL, not {webhook!r}", file=sys.stderr)
        return EXIT_CONFIG
    # PTB 22 reports durations as timedelta only when asked to; the old int form is deprecated.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logs.configure()
    try:
        store = Store(settings.db)
    except StoreError as exc:
        print(f"liverbot serve: {exc}", file=sys.stderr)
        return EXIT_CONFIG
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
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(webhook).path.lstrip("/"),
                webhook_url=webhook,
                secret_token=settings.webhook_secret or secrets.token_urlsafe(32),
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=-1,
            )
    finally:
        store.close()
    return 0

"""`liverbot serve`: the Telegram bot. Without a token it says what to set and exits 2."""

from __future__ import annotations

import sys

from bot.settings import Settings

EXIT_CONFIG = 2


def run_serve(webhook: str | None) -> int:
    """Entry point of `liverbot serve`."""
    settings = Settings()
    if not settings.telegram_bot_token:
        print(
            "liverbot serve: set TELEGRAM_BOT_TOKEN (from @BotFather) and LIVERBOT_ALLOWED_USERS "
            "(comma-separated Telegram user ids); without a token, `liverbot chat` runs the "
            "terminal chat.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    print("liverbot serve: the Telegram channel is not built yet (issue 4).", file=sys.stderr)
    return EXIT_CONFIG

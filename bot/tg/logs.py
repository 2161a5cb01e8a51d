"""Logging for the bot process: ids and error classes, never a label or a clinical value.

An exception's message can carry what the user typed (a validation error quotes its input), so
errors are logged as their class chain and stack frames, without messages; Telegram's own error
descriptions (`TelegramError`) name no user content and are kept, since they say what went wrong.
"""

from __future__ import annotations

import logging
import traceback

from telegram.error import TelegramError

QUIET = ("httpx", "httpcore", "apscheduler", "aiohttp.access", "transitions")
"""Libraries whose INFO lines are noise (transitions logs every state change), or would print
request URLs (which hold the bot token)."""


def configure(level: int = logging.INFO) -> None:
    """Configure logging once, in the entry point."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def redacted(exc: BaseException) -> str:
    """An exception with its traceback and causes, minus messages that could quote user input."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.extend(traceback.format_tb(current.__traceback__))
        name = type(current).__name__
        lines.append(f"{name}: {current}" if isinstance(current, TelegramError) else name)
        current = current.__cause__ or current.__context__
    return "\n".join(line.rstrip() for line in lines)

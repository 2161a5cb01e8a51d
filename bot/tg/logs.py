"""Logging for the bot process: ids and error classes, never a label or a clinical value.

An exception's message can carry what the user typed (a validation error quotes its input), so
errors are logged as their class chain and stack frames, without messages; Telegram's own error
descriptions (`TelegramError`) name no user content and are kept, since they say what went wrong.
"""

from __future__ import annotations

import logging
import re
import traceback

from telegram.error import TelegramError

QUIET = ("httpx", "httpcore", "apscheduler", "aiohttp.access", "transitions")
"""Libraries whose INFO lines are noise (transitions logs every state change), or would print
request URLs (which hold the bot token)."""


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TOKEN_SHOWN = "<TELEGRAM_BOT_TOKEN>"
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z]")


class Redacting(logging.Formatter):
    """Every line as formatted, with the secrets (the bot token) replaced.

    The token is part of every Bot API URL, and PTB quotes it when Telegram rejects it
    (`InvalidToken`); replacing it in the finished line, traceback included, covers every
    library that might print a URL or an error."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__(FORMAT)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        for secret in self.secrets:
            line = line.replace(secret, TOKEN_SHOWN)
        return line


class NoUpdateContents(logging.Filter):
    """python-telegram-bot's own lines without their arguments or exception messages.

    PTB logs a malformed webhook update in full at CRITICAL ("Received data was: {...}"), and an
    error without a handler with its message; both can carry a patient label and lab values.
    The line keeps its wording and the exception its class chain, on the same line: these are the
    library's errors (a Bot API answer it could not read), whose frames help nobody."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".")[0] != "telegram":
            return True
        if record.args:
            record.msg = _PLACEHOLDER.sub("[withheld]", str(record.msg)).replace("%%", "%")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:  # the classes, on the same line
            record.msg = f"{record.msg} ({_classes(record.exc_info[1])})"
            record.exc_info, record.exc_text = None, None
        return True


def configure(level: int = logging.INFO, secrets: tuple[str, ...] = ()) -> None:
    """Configure logging once, in the entry point: `secrets` never appear in a line."""
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(Redacting(secrets))
        handler.addFilter(NoUpdateContents())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def _classes(exc: BaseException) -> str:
    """An exception's class and its causes' classes: `NetworkError <- ConnectError`."""
    names: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(names) < 10:
        names.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(names)


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

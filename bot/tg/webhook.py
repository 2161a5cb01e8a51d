"""Webhook mode: PTB's webhook server behind the operator's HTTPS proxy, started like polling.

PTB's `run_webhook` retried a refused setWebhook forever without a log line (with
`bootstrap_retries=-1`) and ignored signals while it did. Here setWebhook is tried through the
rate limiter (a Bot API that is down is retried for minutes, a refusal is final), SIGINT and
SIGTERM end every stage of start-up, and a refusal ends the process with its reason.

Updates are handled in PTB's concurrent mode with one turn per chat (`bot.tg.turns.ChatOrder`).
PTB's webhook server acknowledges an update before handling it; a crash mid-update can lose that
one update (README).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.tg.app import App
from bot.tg.polling import started, stop_on_signals


@dataclass(frozen=True)
class Hook:
    """Where the webhook server listens, and what Telegram is told."""

    listen: str
    port: int
    url: str
    url_path: str
    secret: str


async def run_webhook(app: App, allowed_updates: list[str], hook: Hook) -> None:
    """The bot behind a webhook until SIGINT or SIGTERM; a refused setWebhook raises."""
    stop = stop_on_signals()
    assert app.updater is not None
    updater = app.updater

    async def listen() -> None:
        await updater.start_webhook(
            listen=hook.listen,
            port=hook.port,
            url_path=hook.url_path,
            webhook_url=hook.url,
            secret_token=hook.secret,
            allowed_updates=allowed_updates,
            bootstrap_retries=0,
        )

    if not await started(app, stop, listen):
        return
    try:
        await app.start()
        try:
            await stop.wait()
        finally:
            await updater.stop()
            await app.stop()
    finally:
        await app.shutdown()

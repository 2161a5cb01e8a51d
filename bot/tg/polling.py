"""Long polling that confirms an update only after it was handled: a crash loses no message.

PTB's `Updater` confirms a batch of updates (the next getUpdates offset) as soon as it has queued
them, before the handlers ran. Killed with a backlog, the bot then loses every queued update: the
answer is never applied and never answered (the SIGKILL-under-load test found it). Here each
update is handled to the end (answer saved, reply sent) before the offset moves past it, so after
a crash Telegram delivers it again, and `bot.conversation` sends the saved reply without applying
the answer twice: at-least-once replies, exactly-once answers.

Webhook mode keeps PTB's server, which acknowledges an update before handling it; there, a crash
mid-update can lose that one update (README).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import TelegramError

from bot.tg.app import App

log = logging.getLogger(__name__)

LONG_POLL_S = 10
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0


async def poll(app: App, stop: asyncio.Event, allowed_updates: list[str]) -> None:
    """Fetch, handle one by one, and only then confirm, until `stop` is set."""
    offset: int | None = None
    backoff = FIRST_BACKOFF_S
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            app.bot.get_updates(
                offset=offset, timeout=LONG_POLL_S, allowed_updates=allowed_updates
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            break
        try:
            updates = fetch.result()
        except TelegramError as exc:
            log.warning("getUpdates failed (%s); again in %.1fs", type(exc).__name__, backoff)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 1.5, MAX_BACKOFF_S)
            continue
        backoff = FIRST_BACKOFF_S
        for update in updates:
            await app.process_update(update)  # handler errors go to the error handler
            offset = update.update_id + 1
    if offset is not None:  # confirm what was handled, so a clean restart repeats nothing
        with contextlib.suppress(TelegramError):
            await app.bot.get_updates(offset=offset, timeout=0, allowed_updates=allowed_updates)


async def run(app: App, allowed_updates: list[str]) -> None:
    """The bot until SIGINT or SIGTERM: start-up (`post_init`), polling, orderly shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        await app.bot.delete_webhook()  # getUpdates is refused while a webhook is set
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            await poll(app, stop, allowed_updates)
        finally:
            await app.stop()

"""Long polling that confirms an update only once it is safe: a crash loses no message.

PTB's `Updater` confirms a batch of updates (the next getUpdates offset) as soon as it has queued
them, before the handlers ran. Killed with a backlog, the bot then loses every queued update: the
answer is never applied and never answered (the SIGKILL-under-load test found it). Here an
update of an allowed clinician is written to the inbox (`bot.store.inbox`) before the fetch that
confirms it, and deleted once handled (answer saved, reply sent); after a crash, the ones left
are handled at the next start, and `bot.conversation` sends the saved reply without applying the
answer twice: at-least-once replies, exactly-once answers.

Updates are handled side by side, one at a time per chat (`bot.tg.turns`), so one chat's flood
delays that chat only. A stranger's updates are not kept: at most a refusal is lost to a crash.

Start-up (getMe, deleteWebhook, the command menu) retries an unreachable Bot API for minutes;
SIGINT and SIGTERM end it at any point, not only once polling runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager

from telegram import Update
from telegram.error import TelegramError

from bot.store import Store, StoreError
from bot.tg.app import App
from bot.tg.handlers import admitted
from bot.tg.logs import redacted
from bot.tg.services import Services

log = logging.getLogger(__name__)

LONG_POLL_S = 10
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0


class _Dispatcher:
    """One task per update, each waiting for its chat's turn; what was handled, to settle."""

    def __init__(self, app: App, stop: asyncio.Event, store: Store) -> None:
        self.app = app
        self.store = store
        self.settling: asyncio.Task[None] | None = None
        self.stop = stop
        self.services: Services = app.bot_data["services"]
        self.tasks: set[asyncio.Task[None]] = set()
        self.handled: list[int] = []
        self.seen: set[int] = set()

    def dispatch(self, update: Update, restored: bool = False) -> None:
        """Handle `update` in its chat's turn.

        An update restored from the inbox is not handled again when Telegram delivers it once
        more (it was kept, then the bot died before the fetch that confirmed it); any other
        re-delivery is handled, and `bot.conversation` re-sends its saved reply.
        """
        if update.update_id in self.seen:
            return
        if restored:
            self.seen.add(update.update_id)
        task = asyncio.create_task(self._handle(update, self.services.turns.turn(update)))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def forget_below(self, update_id: int) -> None:
        """Telegram never sends again an update below a confirmed offset."""
        self.seen = {i for i in self.seen if i >= update_id}

    async def _handle(self, update: Update, turn: AbstractAsyncContextManager[None]) -> None:
        async with turn:
            if self.stop.is_set():
                return  # not started: it stays in the inbox for the next start
            try:
                await self.app.process_update(update)  # handler errors go to the error handler
            except Exception as exc:  # PTB's own failures, outside any handler
                log.error("update %d not handled:\n%s", update.update_id, redacted(exc))
            self.handled.append(update.update_id)
            if self.settling is None or self.settling.done():
                self.settling = asyncio.create_task(self._settle())

    async def _settle(self) -> None:
        """Delete handled updates from the inbox soon, many in one transaction under load.

        A handled update left there is handled again after a crash (its reply sent twice), so
        this does not wait for the next fetch, which can be a long poll away.
        """
        while ids := self.take_handled():
            try:
                await asyncio.to_thread(self.store.keep_updates, [], ids)
            except StoreError as exc:
                self.handled.extend(ids)  # the next fetch tries again
                log.warning("handled updates not yet cleared: %s", exc)
                return

    def take_handled(self) -> list[int]:
        """The ids handled since the last call."""
        done, self.handled = self.handled, []
        return done

    async def drain(self) -> None:
        """Let the updates being handled finish (those still waiting are skipped)."""
        if self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        if self.settling is not None:
            await self.settling


async def poll(app: App, stop: asyncio.Event, allowed_updates: list[str]) -> None:
    """Fetch, keep, confirm and dispatch, until `stop` is set; then finish what runs."""
    services: Services = app.bot_data["services"]
    store = services.store
    allowed = services.settings.allowed_users
    dispatcher = _Dispatcher(app, stop, store)
    for _, body in await asyncio.to_thread(store.inbox):  # left by a crash
        restored = Update.de_json(json.loads(body), app.bot)
        if restored is not None:
            dispatcher.dispatch(restored, restored=True)
    offset: int | None = None
    backoff = FIRST_BACKOFF_S
    try:
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
                await _pause(stop, backoff)
                backoff = min(backoff * 1.5, MAX_BACKOFF_S)
                continue
            handled = dispatcher.take_handled()
            kept = [(u.update_id, u.to_json()) for u in updates if admitted(u, allowed)]
            try:
                await asyncio.to_thread(store.keep_updates, kept, handled)
            except StoreError as exc:  # not kept, so not confirmed: fetched again next time
                dispatcher.handled.extend(handled)
                log.error("updates not kept, fetched again in %.1fs: %s", backoff, exc)
                await _pause(stop, backoff)
                backoff = min(backoff * 1.5, MAX_BACKOFF_S)
                continue
            backoff = FIRST_BACKOFF_S
            for update in updates:
                dispatcher.dispatch(update)
            if updates:
                dispatcher.forget_below(updates[0].update_id)
                offset = updates[-1].update_id + 1
    finally:
        await dispatcher.drain()
        with contextlib.suppress(StoreError):
            await asyncio.to_thread(store.keep_updates, [], dispatcher.take_handled())
    if offset is not None:  # confirm what was kept or handled, so a restart repeats nothing
        with contextlib.suppress(TelegramError):
            await app.bot.get_updates(offset=offset, timeout=0, allowed_updates=allowed_updates)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds`, or less if the bot is stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, installed before anything that may wait for long."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def unless_stopped(stop: asyncio.Event, work: Awaitable[object]) -> bool:
    """Run `work` to the end (True), or cancel it when `stop` is set first (False).

    Start-up retries an unreachable Bot API for minutes (the rate limiter's retries); an operator's
    Ctrl-C or a service manager's SIGTERM must end it then too.
    """
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def started(app: App, stop: asyncio.Event, prepare: Callable[[], Awaitable[object]]) -> bool:
    """Initialize the application and run `prepare` (then `post_init`), unless stopped first.

    True when the bot is ready to run; on False nothing is left running (the caller returns).
    """
    if not await unless_stopped(stop, app.initialize()):
        return False

    async def ready() -> None:
        await prepare()
        if app.post_init is not None:
            await app.post_init(app)

    if not await unless_stopped(stop, ready()):
        if app.updater is not None and app.updater.running:  # cancelled inside start_webhook
            with contextlib.suppress(Exception):
                await app.updater.stop()
        with contextlib.suppress(Exception):
            await app.shutdown()
        return False
    return True


async def run(app: App, allowed_updates: list[str]) -> None:
    """The bot until SIGINT or SIGTERM: start-up (`post_init`), polling, orderly shutdown."""
    stop = stop_on_signals()
    # getUpdates is refused while a webhook is set
    if not await started(app, stop, app.bot.delete_webhook):
        return
    try:
        await app.start()
        try:
            await poll(app, stop, allowed_updates)
        finally:
            await app.stop()
    finally:
        await app.shutdown()

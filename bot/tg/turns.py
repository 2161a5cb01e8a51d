"""Fair handling: updates of different chats run side by side, each chat's strictly in order.

One chat's flood (a stranger's thousand messages, a clinician's three hundred) must delay only
that chat's answers. Handling updates one at a time made every chat wait behind the flood; handling
them all at once would let a chat's second answer overtake its first (answering the wrong
question). So each update waits for its chat's turn: a FIFO lock per chat, taken in the order the
updates arrived, and released when the update was handled (answer saved, reply sent).

Both the polling loop (`bot.tg.polling`) and PTB's webhook server (through `ChatOrder`, an update
processor) take turns here, so the two modes share one notion of order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Hashable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 4096
"""How many updates PTB's webhook mode lets wait at once; far above a ward's chats, so the bound
is never what holds a chat up (each chat still handles one update at a time)."""


def chat_key(update: object) -> Hashable:
    """Whose turn an update takes: its chat, else its user (an inline message's button)."""
    if not isinstance(update, Update):
        return ("other",)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return ("other",)


class ChatTurns:
    """A FIFO lock per chat, kept only while the chat has updates waiting or running."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    def turn(self, update: object) -> AbstractAsyncContextManager[None]:
        """Wait until every earlier update of the same chat was handled.

        The update counts as waiting from this call on (not from the first `await`), and asyncio's
        lock wakes its waiters first come, first served: called in the order the updates arrived,
        a chat's updates run in that order.
        """
        key = chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        return self._hold(key, lock)

    @asynccontextmanager
    async def _hold(self, key: Hashable, lock: asyncio.Lock) -> AsyncIterator[None]:
        try:
            async with lock:
                yield
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    def backlog(self) -> int:
        """Updates waiting or running, over all chats (for tests and the shutdown log)."""
        return sum(self._waiting.values())


class ChatOrder(BaseUpdateProcessor):
    """PTB's concurrent update processing (webhook mode), one update at a time per chat."""

    def __init__(self, turns: ChatTurns) -> None:
        super().__init__(MAX_CONCURRENT_UPDATES)
        self.turns = turns

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers of `update` when its chat's earlier updates are done."""
        async with self.turns.turn(update):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up: the locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to tear down: PTB waits for the running updates before calling this."""

"""One input from a chat, applied exactly once: the bridge between a channel and the assistant.

Telegram delivers an update again when the bot stopped before confirming it (a crash between
handling a message and the next getUpdates, or a webhook retry). Applying the same text twice
would answer the *next* question with it, so each chat's last update id and reply are saved in
the same transaction as the answer: a re-delivered update re-sends the saved reply and changes
nothing. An answer button carries the dialogue step it belongs to, and a press on a question
that is no longer current is refused here, inside the same transaction, so the check cannot race.

Runs in a worker thread (`asyncio.to_thread`): a database briefly locked by another writer then
holds up this chat, not the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.assistant import Assistant
from bot.buttons import encode
from bot.store import Store

REDELIVERY_WINDOW = timedelta(hours=24)
"""Telegram keeps an unconfirmed update at most 24 hours (Bot API, Getting updates); after a week
without updates its ids may restart lower, so only a recent lower id is taken as a re-delivery."""


@dataclass
class Outcome:
    """What the channel does next: send `messages`, schedule `to_schedule`."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    to_schedule: list[int] = field(default_factory=list)
    stale: bool = False
    """A button of a question already answered (or of a dialogue that ended): nothing applied."""
    repeat: bool = False
    """A re-delivered update: its saved reply is sent again, nothing applied."""


class Conversation:
    """Applies inputs to the assistant once each, and keeps the reply to re-send."""

    def __init__(
        self,
        store: Store,
        assistant: Assistant,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.assistant = assistant
        self.clock = clock

    def process(
        self, owner_id: int, chat_id: int, update_id: int, text: str, step: str | None = None
    ) -> Outcome:
        """Apply one input (`step`: the dialogue state an answer button was sent in)."""
        with self.store.transaction():
            last = self.store.last_reply(owner_id, chat_id)
            if (
                last is not None
                and update_id <= last.update_id
                and last.at > self.clock() - REDELIVERY_WINDOW
            ):
                if update_id < last.update_id:
                    return Outcome()  # answered before the later update was handled
                return Outcome(messages=last.messages, repeat=True)
            if step is not None and self.assistant.dialogue_step(owner_id, chat_id) != step:
                return Outcome(stale=True)
            clinician = self.store.touch_clinician(owner_id, chat_id)
            resumed = (
                self.store.resume_for_clinician(owner_id) if clinician.reminders_paused else []
            )
            reply = self.assistant.handle(owner_id, chat_id, text)
            messages = encode(reply.messages, reply.step)
            self.store.save_reply(owner_id, chat_id, update_id, messages)
        return Outcome(messages, [r.id for r in resumed] + reply.to_schedule)
